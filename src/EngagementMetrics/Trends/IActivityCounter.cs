using EngagementMetrics.Storage;

namespace EngagementMetrics.Trends;

/// <summary>
/// What the engine's one scan feeds: a bot's time-ordered activity batches, each with the query's filter as a struct
/// type argument (see <see cref="IActivityFilter"/>), then <see cref="Complete"/>. Implemented by
/// <see cref="BucketCounter{TVisit}"/> for the trend, the lifecycle and retention.
/// </summary>
internal interface IActivityCounter : IDisposable
{
    /// <summary>Counts one batch; batches arrive in time order and the batch's memory is valid only during the call.</summary>
    void Add<TFilter>(in ActivityBatch batch, TFilter filter)
        where TFilter : struct, IActivityFilter;

    /// <summary>Ends the pass. Called once, after the last batch, before any count is read.</summary>
    void Complete();
}
