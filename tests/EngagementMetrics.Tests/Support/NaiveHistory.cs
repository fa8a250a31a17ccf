using EngagementMetrics.Events;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests.Support;

/// <summary>
/// The facts every naive reference starts from, read the obvious way: one bot's events after idempotency, its
/// user activity, first seen per user, and which conversations are interactive or closed.
/// </summary>
internal sealed class NaiveHistory
{
    private readonly HashSet<string> _interactive;
    private readonly HashSet<string> _closed;

    public NaiveHistory(IReadOnlyList<InteractionEvent> input, string botId)
    {
        // Idempotency: the first event with a given (bot, eventId) wins.
        var seenIds = new HashSet<(string, string)>();
        var events = input.Where(e => e.EventId is null || seenIds.Add((e.BotId, e.EventId))).Where(e => e.BotId == botId).ToList();
        Activity = events.Where(e => e.Kind.IsUserActivity()).ToList();
        FirstSeen = Activity.GroupBy(e => e.UserId!).ToDictionary(g => g.Key, g => g.Min(e => e.Timestamp.UtcDateTime));
        _interactive = events.Where(e => e.ConversationId != null && e.Kind.IsUserInput()).Select(e => e.ConversationId!).ToHashSet();
        _closed = events.Where(e => e.ConversationId != null && e.Kind == InteractionKind.ConversationClosed).Select(e => e.ConversationId!).ToHashSet();
    }

    /// <summary>The bot's user-activity events, in input order.</summary>
    public List<InteractionEvent> Activity { get; }

    /// <summary>Each user's earliest activity, UTC, ignoring every filter.</summary>
    public Dictionary<string, DateTime> FirstSeen { get; }

    /// <summary>Whether an event passes the query's channel, conversation-type and conversation-status filters.</summary>
    public bool Passes(InteractionEvent e, PeriodQuery query)
    {
        if (query.Channels is { Count: > 0 } channels && !channels.Contains(e.NormalizedChannel, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        if (query.ConversationType == ConversationTypeFilter.All && query.ConversationStatus == ConversationStatusFilter.All)
        {
            return true;
        }

        if (e.ConversationId is null)
        {
            return false;
        }

        var isInteractive = _interactive.Contains(e.ConversationId);
        var isClosed = _closed.Contains(e.ConversationId);
        var typeOk = query.ConversationType switch
        {
            ConversationTypeFilter.Interactive => isInteractive,
            ConversationTypeFilter.NonInteractive => !isInteractive,
            _ => true,
        };
        var statusOk = query.ConversationStatus switch
        {
            ConversationStatusFilter.Active => !isClosed,
            ConversationStatusFilter.Closed => isClosed,
            _ => true,
        };
        return typeOk && statusOk;
    }

    /// <summary>The local wall-clock time of a UTC instant in the query's zone.</summary>
    public static DateTime Local(DateTime utc, PeriodQuery query) => TimeZoneInfo.ConvertTimeFromUtc(utc, query.TimeZone);
}
