using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>
/// Where interaction events live. Implementations: in memory, SQLite, PostgreSQL.
/// The engine reads a bot's history through an <see cref="IActivitySnapshot"/>.
/// </summary>
/// <remarks>
/// <para><b>Atomicity.</b> <see cref="AppendAsync"/> is atomic per batch: a snapshot opened at any moment sees
/// either all of a batch's stored events (and the facts they imply: first seen, interactive, closed) or none of them.</para>
/// <para><b>Idempotency.</b> An event whose (<c>botId</c>, <c>eventId</c>) is already stored is skipped and counted as a
/// duplicate, also when the two arrive concurrently. Events without <c>eventId</c> are always stored.</para>
/// <para><b>Ordering.</b> Events may be appended in any order; scans are always in timestamp order.</para>
/// <para><b>Thread-safety.</b> Every member may be called concurrently; appends may run while snapshots are read.</para>
/// </remarks>
public interface IInteractionStore
{
    /// <summary>Validates and stores a batch of events.</summary>
    /// <param name="events">The batch, in any order.</param>
    /// <param name="mode">What to do with invalid events.</param>
    /// <param name="cancellationToken">Cancels before anything is stored.</param>
    /// <returns>How many were stored, skipped as duplicates, and rejected.</returns>
    /// <exception cref="EventBatchRejectedException">Strict mode and at least one event is invalid; nothing was stored.</exception>
    ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default);

    /// <summary>Opens a consistent, read-only view of one bot's history.</summary>
    /// <param name="botId">The bot.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The snapshot, or <see langword="null"/> when the store holds no event of that bot. Dispose it when done.</returns>
    ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default);
}
