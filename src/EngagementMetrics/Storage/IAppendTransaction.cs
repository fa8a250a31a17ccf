using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>One atomic append in a store. Disposing it without <see cref="CommitAsync"/> stores nothing.</summary>
/// <remarks>
/// The pipeline calls, in this order: <see cref="LockBotAsync"/> for every bot of the batch (in ordinal order of their
/// ids, so two transactions never deadlock on each other), then <see cref="WriteAsync"/> once per bot, then
/// <see cref="CommitAsync"/>. A transaction that also implements <see cref="IBatchLockingAppendTransaction"/> gets every
/// bot's lock first, in one call. A transaction is used by one caller at a time.
/// </remarks>
public interface IAppendTransaction : IAsyncDisposable
{
    /// <summary>
    /// Makes concurrent appends of <paramref name="botId"/> wait for this transaction, and returns the bot's owner account.
    /// </summary>
    /// <returns>The account that owns the bot, or <see langword="null"/> when the store holds no event of it yet.</returns>
    ValueTask<string?> LockBotAsync(string botId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes events of one locked bot. The pipeline has validated them, checked that they belong to
    /// <paramref name="accountId"/> and removed repeated event ids among them; the store skips the events whose
    /// (<c>botId</c>, <c>eventId</c>) it already holds.
    /// </summary>
    /// <param name="botId">The bot, locked by <see cref="LockBotAsync"/> in this transaction.</param>
    /// <param name="accountId">The bot's account: its stored owner, or for a new bot the one its events name (or <c>default</c>).</param>
    /// <param name="events">The bot's events, in batch order (not necessarily time order).</param>
    /// <param name="cancellationToken">Cancels the write; the transaction must then be disposed without commit.</param>
    /// <returns>How many events were skipped because their id was already stored.</returns>
    ValueTask<int> WriteAsync(string botId, string accountId, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Makes every write of the transaction visible at once (a snapshot sees all of them or none).</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken = default);
}
