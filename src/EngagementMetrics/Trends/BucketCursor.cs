using EngagementMetrics.Storage;

namespace EngagementMetrics.Trends;

/// <summary>
/// Walks a <see cref="BucketPlan"/> along time-ordered batches and cuts each batch into runs of events that share one
/// bucket, so the counting loops have no per-event time test and the bucket is a constant. Keeps its place between
/// batches.
/// </summary>
internal struct BucketCursor
{
    private readonly BucketPlan _plan;
    private int _run;
    private int _bucket;
    private long _nextRunStart;

    public BucketCursor(BucketPlan plan)
    {
        _plan = plan;
        _run = 0;
        _bucket = plan.RunBucket[0];
        _nextRunStart = plan.RunStart[1];
    }

    /// <summary>
    /// The bucket of <c>ticks[start]</c> (-1 outside every bucket) and, in <paramref name="end"/>, the index after the
    /// last event of the run that shares it. <paramref name="ticks"/> must not go back from one call to the next.
    /// </summary>
    public int NextRun(ReadOnlySpan<long> ticks, int start, out int end)
    {
        var t = ticks[start];
        if (t >= _nextRunStart)
        {
            _run = _plan.AdvanceRun(_run, t);
            _bucket = _plan.RunBucket[_run];
            _nextRunStart = _plan.RunStart[_run + 1];
        }

        // A binary search finds where the next bucket starts; most batches end inside one run.
        var next = _nextRunStart;
        end = ticks[^1] < next ? ticks.Length : start + SortedTicks.LowerBound(ticks[start..], next);
        return _bucket;
    }
}
