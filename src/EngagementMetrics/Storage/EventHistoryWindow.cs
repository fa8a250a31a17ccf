using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>Helpers for <see cref="IEventHistory"/> implementations.</summary>
public static class EventHistoryWindow
{
    /// <summary>
    /// Picks, from a bot's events in storage order, what <see cref="IEventHistory.ReadEventsAsync"/> returns: the events in
    /// the range and every event of the conversations touched by it, in timestamp order (stable).
    /// </summary>
    public static IReadOnlyList<InteractionEvent> Select(IReadOnlyList<InteractionEvent> events, long fromUtcTicks, long toUtcTicks)
    {
        ArgumentNullException.ThrowIfNull(events);
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var evt in events)
        {
            var ticks = evt.Timestamp.UtcTicks;
            if (ticks >= fromUtcTicks && ticks < toUtcTicks && evt.ConversationId is { } conversation)
            {
                touched.Add(conversation);
            }
        }

        var picked = new List<InteractionEvent>();
        foreach (var evt in events)
        {
            var ticks = evt.Timestamp.UtcTicks;
            if ((ticks >= fromUtcTicks && ticks < toUtcTicks) || (evt.ConversationId is { } conversation && touched.Contains(conversation)))
            {
                picked.Add(evt);
            }
        }

        return [.. picked.OrderBy(static e => e.Timestamp.UtcTicks)];
    }
}
