namespace EngagementMetrics.Storage;

/// <summary>
/// The write side of a store, as <see cref="AppendPipeline"/> drives it. The pipeline does everything that is the same
/// for every store (validation, strict and lenient modes, account ownership, duplicates within a batch, positions of
/// rejections); a store only locks, reads a bot's owner and writes.
/// </summary>
/// <remarks>
/// A store implements this next to <see cref="IInteractionStore"/> and answers
/// <see cref="IInteractionStore.AppendAsync"/> with <c>AppendPipeline.AppendAsync(this, events, mode, cancellationToken)</c>,
/// so every store, a third party's included, accepts and refuses exactly the same events.
/// </remarks>
public interface IAppendTarget
{
    /// <summary>Begins one atomic append: everything written through the transaction becomes visible together at commit, or never.</summary>
    /// <param name="cancellationToken">Cancels the start (for example waiting for a lock).</param>
    ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default);
}
