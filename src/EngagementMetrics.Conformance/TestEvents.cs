using System.Globalization;
using EngagementMetrics.Events;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Conformance;

/// <summary>Terse builders for the events and queries of store tests (<c>using static EngagementMetrics.Conformance.TestEvents;</c>).</summary>
public static class TestEvents
{
    /// <summary>The bot the builders use unless told otherwise.</summary>
    public const string Bot = "bot-1";

    /// <summary>An event of <paramref name="user"/> at <paramref name="timestamp"/> (RFC 3339), a user message unless told otherwise.</summary>
    /// <param name="user">The user id.</param>
    /// <param name="timestamp">The instant, RFC 3339 with <c>Z</c> or an offset.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="channel">The channel, or none.</param>
    /// <param name="conversation">The conversation id, or none.</param>
    /// <param name="bot">The bot id.</param>
    /// <param name="eventId">The event id, or none.</param>
    /// <param name="account">The account id, or none.</param>
    /// <returns>The event.</returns>
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

    /// <summary>A <c>conversation_closed</c> event.</summary>
    /// <param name="conversation">The conversation id.</param>
    /// <param name="timestamp">The instant, RFC 3339.</param>
    /// <param name="bot">The bot id.</param>
    /// <returns>The event.</returns>
    public static InteractionEvent Closed(string conversation, string timestamp, string bot = Bot) =>
        new() { BotId = bot, ConversationId = conversation, Timestamp = Parse(timestamp), Kind = InteractionKind.ConversationClosed };

    /// <summary>Parses an RFC 3339 instant, throwing on a bad one (test input is trusted).</summary>
    /// <param name="timestamp">The instant.</param>
    /// <returns>The parsed instant.</returns>
    public static DateTimeOffset Parse(string timestamp) =>
        Rfc3339.TryParse(timestamp, out var value) ? value : throw new ArgumentException($"bad timestamp {timestamp}", nameof(timestamp));

    /// <summary>A trend query over local dates <paramref name="start"/> to <paramref name="end"/> (<c>yyyy-MM-dd</c>).</summary>
    /// <param name="start">The first local date.</param>
    /// <param name="end">The last local date.</param>
    /// <param name="zone">An IANA or Windows zone name, or a fixed offset such as <c>+05:30</c>.</param>
    /// <param name="aggregation">The buckets.</param>
    /// <param name="bot">The bot id.</param>
    /// <returns>The query, with no filter.</returns>
    public static TrendQuery Query(string start, string end, string zone = "UTC", TrendAggregation aggregation = TrendAggregation.Daily, string bot = Bot) =>
        new()
        {
            BotId = bot,
            StartDate = DateOnly.Parse(start, CultureInfo.InvariantCulture),
            EndDate = DateOnly.Parse(end, CultureInfo.InvariantCulture),
            TimeZone = TimeZoneParser.Parse(zone),
            Aggregation = aggregation,
        };

    /// <summary>The bucket of an hourly trend that starts at local <paramref name="hour"/> of <paramref name="date"/>.</summary>
    /// <param name="trend">The trend.</param>
    /// <param name="date">The local date, <c>yyyy-MM-dd</c>.</param>
    /// <param name="hour">The local hour, 0 to 23.</param>
    /// <returns>The bucket; throws when there is not exactly one.</returns>
    public static TrendBucket Hour(this EngagementTrend trend, string date, int hour)
    {
        ArgumentNullException.ThrowIfNull(trend);
        return trend.Buckets.Single(b => b.LocalStart == DateTime.Parse(date, CultureInfo.InvariantCulture).AddHours(hour));
    }

    /// <summary>The bucket of a daily trend for local <paramref name="date"/>.</summary>
    /// <param name="trend">The trend.</param>
    /// <param name="date">The local date, <c>yyyy-MM-dd</c>.</param>
    /// <returns>The bucket; throws when there is not exactly one.</returns>
    public static TrendBucket Day(this EngagementTrend trend, string date)
    {
        ArgumentNullException.ThrowIfNull(trend);
        return trend.Buckets.Single(b => b.LocalStart == DateTime.Parse(date, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Deterministic random events: several channels (<c>rtm</c>, <c>Slack</c>, <c>msteams</c>) and kinds, conversations
    /// <c>c0</c> to <c>c7</c> (some closed), users <c>u0</c> to <c>u{users-1}</c>, spread over <paramref name="days"/>
    /// days from <paramref name="origin"/>.
    /// </summary>
    /// <param name="random">The source of randomness (seed it for a repeatable history).</param>
    /// <param name="origin">The earliest instant.</param>
    /// <param name="count">How many events.</param>
    /// <param name="users">How many distinct users.</param>
    /// <param name="days">How many days the events spread over.</param>
    /// <param name="bot">The bot id.</param>
    /// <param name="idPrefix">Gives every event the id <c>{idPrefix}-{i}</c>; none when null.</param>
    /// <returns>The events, in no time order.</returns>
    public static IEnumerable<InteractionEvent> Generate(Random random, DateTimeOffset origin, int count, int users, int days, string bot = Bot, string? idPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (var i = 0; i < count; i++)
        {
            var kind = random.Next(10) < 7 ? (InteractionKind)random.Next(0, 4) : (InteractionKind)random.Next(4, 10);
            var conversation = random.Next(-1, 8);
            yield return new InteractionEvent
            {
                BotId = bot,
                UserId = kind.IsUserActivity() || random.Next(2) == 0 ? "u" + random.Next(users).ToString(CultureInfo.InvariantCulture) : null,
                Timestamp = origin.AddMinutes(random.Next(days * 24 * 60)).AddTicks(random.Next(10_000_000)),
                Kind = kind,
                Channel = GeneratedChannels[random.Next(GeneratedChannels.Length)],
                ConversationId = conversation < 0 ? null : "c" + conversation.ToString(CultureInfo.InvariantCulture),
                EventId = idPrefix is null ? null : $"{idPrefix}-{i}",
            };
        }
    }

    /// <summary>The channels <see cref="Generate"/> uses, as the events name them (not normalised).</summary>
    internal static readonly string[] GeneratedChannels = ["rtm", "Slack", "msteams"];
}
