namespace EngagementMetrics.Storage;

/// <summary>
/// An <see cref="IAppendTransaction"/> that takes the locks of every bot of a batch before it reads anything: the
/// pipeline calls <see cref="LockBotsAsync"/> once, with every bot of the batch in ordinal order of their ids, before
/// the first <see cref="IAppendTransaction.LockBotAsync"/> (which then only has to read the bot's owner).
/// </summary>
/// <remarks>
/// For a store whose transaction fixes what it reads at its first read: a sharded PostgreSQL store's transaction reads
/// each shard at the snapshot of its first read there (<c>postgres_fdw</c>'s remote transactions are REPEATABLE READ),
/// so a bot locked after that read could have been changed by a writer that held the lock meanwhile.
/// </remarks>
public interface IBatchLockingAppendTransaction
{
    /// <summary>Makes concurrent appends of each of <paramref name="botIds"/> wait for this transaction.</summary>
    /// <param name="botIds">Every bot of the batch, distinct, in ordinal order (so two transactions never deadlock).</param>
    /// <param name="cancellationToken">Cancels the wait; the transaction must then be disposed without commit.</param>
    ValueTask LockBotsAsync(IReadOnlyList<string> botIds, CancellationToken cancellationToken = default);
}
