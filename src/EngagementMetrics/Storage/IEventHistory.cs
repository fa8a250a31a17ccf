using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>
/// Whole-event access for the account and bot statistics (message counts, conversation durations, takeovers), which
/// need more than the user-activity columns of <see cref="IActivitySnapshot"/>. Every store of this project
/// implements it next to <see cref="IInteractionStore"/>.
/// </summary>
public interface IEventHistory
{
    /// <summary>The bots of an account (ordinal order of their ids); empty when the account has none.</summary>
    ValueTask<IReadOnlyList<string>> GetBotIdsAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A bot's events with <paramref name="fromUtcTicks"/> &lt;= timestamp &lt; <paramref name="toUtcTicks"/>, plus every event,
    /// at any time, of each conversation that has at least one event in that range (so durations that start before or end
    /// after the range can be measured), in timestamp order (ties in the order the store received them). One consistent
    /// moment.
    /// </summary>
    /// <remarks>
    /// The events carry every field but <see cref="InteractionEvent.EventId"/>, which is <see langword="null"/>: stores keep
    /// event ids only to deduplicate appends. Timestamps come back in UTC and channels in lower case.
    /// </remarks>
    ValueTask<IReadOnlyList<InteractionEvent>> ReadEventsAsync(string botId, long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default);
}
