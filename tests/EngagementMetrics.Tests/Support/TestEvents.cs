using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests.Support;

/// <summary>Terse builders for events and queries.</summary>
internal static class TestEvents
{
    public const string Bot = "bot-1";

    public static InteractionEvent Event(
        string user,
        string timestamp,
        InteractionKind kind = InteractionKind.MessageIn,
        string? channel = null,
        string? conversation = null,
        string bot = Bot,
        string? eventId = null,
        string? account = null) =>
        new()
        {
            BotId = bot,
            UserId = user,
            Timestamp = Parse(timestamp),
            Kind = kind,
            Channel = channel,
            ConversationId = conversation,
            EventId = eventId,
            AccountId = account,
        };

    public static InteractionEvent Closed(string conversation, string timestamp, string bot = Bot) =>
        new() { BotId = bot, ConversationId = conversation, Timestamp = Parse(timestamp), Kind = InteractionKind.ConversationClosed };

    public static DateTimeOffset Parse(string timestamp) =>
        Rfc3339.TryParse(timestamp, out var value) ? value : throw new ArgumentException($"bad timestamp {timestamp}");

    public static TrendQuery Query(string start, string end, string zone = "UTC", TrendAggregation aggregation = TrendAggregation.Daily, string bot = Bot) =>
        new()
        {
            BotId = bot,
            StartDate = DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            EndDate = DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
            TimeZone = TimeZoneParser.Parse(zone),
            Aggregation = aggregation,
        };

    public static async Task<EngagementTrend> TrendAsync(IEnumerable<InteractionEvent> events, TrendQuery query)
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events.ToList());
        return await new EngagementEngine(store).GetTrendAsync(query);
    }

    public static TrendBucket Hour(this EngagementTrend trend, string date, int hour) =>
        trend.Buckets.Single(b => b.LocalStart == DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture).AddHours(hour));

    public static TrendBucket Day(this EngagementTrend trend, string date) =>
        trend.Buckets.Single(b => b.LocalStart == DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture));
}
