using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>
/// An <see cref="IAppendTransaction"/> that can write events held in columns (<see cref="EventColumns"/>, what
/// <see cref="EventStreamReader"/> produces) without an event object per event. Optional: the pipeline detects it with a
/// type check, and hands a transaction without it the same events as <see cref="InteractionEvent"/> objects.
/// </summary>
/// <remarks>
/// Same contract as <see cref="IAppendTransaction.WriteAsync"/>: called once per locked bot, after
/// <see cref="IAppendTransaction.LockBotAsync"/>, with events the pipeline has validated, checked against the bot's account
/// and cleared of ids repeated within the batch (unless the transaction says it finds those itself,
/// <see cref="FindsRepeatedIds"/>). Read the columns field by field (<see cref="EventColumns.GetUtcTicks"/>,
/// <see cref="EventColumns.TryGetEventIdUtf8"/>, ...); the instance and its storage stay valid as long as the caller holds
/// them, so a transaction may keep it until commit.
/// </remarks>
public interface IColumnarAppendTransaction : IAppendTransaction
{
    /// <summary>Writes events of one locked bot, given in columns; see <see cref="IAppendTransaction.WriteAsync"/>.</summary>
    /// <param name="botId">The bot, locked by <see cref="IAppendTransaction.LockBotAsync"/> in this transaction.</param>
    /// <param name="accountId">The bot's account.</param>
    /// <param name="events">The bot's events, in batch order (not necessarily time order).</param>
    /// <param name="cancellationToken">Cancels the write; the transaction must then be disposed without commit.</param>
    /// <returns>How many events were skipped because their id was already stored.</returns>
    ValueTask<int> WriteColumnsAsync(string botId, string accountId, EventColumns events, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when <see cref="WriteColumnsAsync"/> itself skips, and counts among the duplicates it returns, an event whose
    /// id an earlier event of the same call has (the first occurrence is written), as it does for ids already stored.
    /// The pipeline then does not look for ids repeated within the batch, which would look up every id twice; the
    /// outcome is the same. False by default: the pipeline clears the events of repeated ids before the write.
    /// </summary>
    bool FindsRepeatedIds => false;
}
