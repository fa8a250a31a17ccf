using System.Globalization;

namespace EngagementMetrics.Statistics;

/// <summary>The 19 statistic types of the account and bot statistics (codes 0 to 18).</summary>
public enum StatisticType
{
    /// <summary>Users active in the bucket whose first seen lies in it.</summary>
    NewUser = 0,

    /// <summary>Users active in the bucket first seen before it.</summary>
    ReturningUser = 1,

    /// <summary>Distinct users active in the bucket.</summary>
    ActiveUser = 2,

    /// <summary>Count of <c>message_in</c>, <c>action_in</c>, <c>message_out</c> and <c>agent_message</c>.</summary>
    Messages = 3,

    /// <summary>Count of <c>action_in</c>.</summary>
    ActionMessages = 4,

    /// <summary>Count of <c>message_out</c> with <c>fallback: true</c>.</summary>
    FallbackReply = 5,

    /// <summary>Count of <c>message_in</c> with <c>intentMatched: true</c>.</summary>
    NlpDetected = 6,

    /// <summary>Count of <c>message_in</c> with <c>intentMatched: false</c>.</summary>
    NlpMissed = 7,

    /// <summary>Mean seconds from a conversation's first event to its first close, over conversations closed in the bucket.</summary>
    ConversationLength = 8,

    /// <summary>Mean seconds from a handover request to the operator joining, in the bucket of the join.</summary>
    TimeToPickUp = 9,

    /// <summary>Percent of conversations started in the bucket that an operator joined (at any time).</summary>
    TakeoverRate = 10,

    /// <summary>Mean seconds from the first operator join to the first close, over conversations closed in the bucket after a join.</summary>
    SupportConversationLength = 11,

    /// <summary>Count of <c>goal_reached</c>.</summary>
    GoalReached = 12,

    /// <summary>Count of <c>message_in</c> and <c>action_in</c>.</summary>
    IncomingMessage = 13,

    /// <summary>Count of <c>api_request</c>.</summary>
    ApiRequest = 14,

    /// <summary>Count of <c>api_request</c> with <c>error: true</c>.</summary>
    ApiRequestError = 15,

    /// <summary>Mean seconds from a conversation's first user message to the first reply at or after it, in the bucket of the user message.</summary>
    TimeToFirstMessage = 16,

    /// <summary>Count of <c>agent_message</c>.</summary>
    OperatorMessage = 17,

    /// <summary>Count of <c>tag_hit</c> (bot endpoint only).</summary>
    TagHit = 18,
}

/// <summary>How statistics are grouped: local hours, days, months or years.</summary>
public enum StatisticsGroupMode
{
    /// <summary>Local hours (<c>hour</c>).</summary>
    Hour,

    /// <summary>Local days (<c>day</c>).</summary>
    Day,

    /// <summary>Local months (<c>month</c>).</summary>
    Month,

    /// <summary>Local years (<c>year</c>).</summary>
    Year,
}

/// <summary>Which endpoint asks: the account endpoint (one bot or <c>*</c>) or the per-bot endpoint (which also allows type 18).</summary>
public enum StatisticsScope
{
    /// <summary><c>/analytics/statistics/account/{APIKEY}/...</c>.</summary>
    Account,

    /// <summary><c>/analytics/statistics/...</c> with a bot token.</summary>
    Bot,
}

/// <summary>A statistics request.</summary>
public sealed record StatisticsQuery
{
    /// <summary>The wildcard bot: every bot of the account.</summary>
    public const string AllBots = "*";

    /// <summary>The caller's account. A bot outside it is "not found".</summary>
    public required string AccountId { get; init; }

    /// <summary>A bot id, or <see cref="AllBots"/>.</summary>
    public required string Bot { get; init; }

    /// <summary>The types, in the order the series are wanted (no duplicates).</summary>
    public required IReadOnlyList<StatisticType> Types { get; init; }

    /// <summary>Bucket size. Default days.</summary>
    public StatisticsGroupMode GroupMode { get; init; } = StatisticsGroupMode.Day;

    /// <summary>The last <c>Days</c> local days ending today (today included), 1 to 30. Default 7.</summary>
    public int Days { get; init; } = 7;

    /// <summary>The zone of the local days. Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>The endpoint asking. Default the account endpoint.</summary>
    public StatisticsScope Scope { get; init; } = StatisticsScope.Account;
}

/// <summary>One value of a series: a count, a mean of seconds or a percentage, or null for a mean over nothing.</summary>
/// <param name="Period">The bucket label: <c>2025-12-01T14:00</c> (hour), <c>2025-12-01</c> (day), <c>2025-12</c> (month), <c>2025</c> (year).</param>
/// <param name="Value">The value, at most 2 decimals, or null.</param>
public readonly record struct StatisticPoint(string Period, decimal? Value);

/// <summary>One type's values over every bucket of the window, oldest first.</summary>
public sealed record StatisticSeries(StatisticType Type, string Name, IReadOnlyList<StatisticPoint> Points);

/// <summary>The statistics of a window.</summary>
public sealed record StatisticsResult(
    string AccountId,
    string Bot,
    StatisticsGroupMode GroupMode,
    int Days,
    TimeZoneInfo TimeZone,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<StatisticSeries> Series);

/// <summary>Names and parsing of the statistics parameters, with errors that name the parameter and value.</summary>
public static class StatisticsParameters
{
    private static readonly string[] Names =
    [
        "New User", "Returning User", "Active User", "Messages", "Action Messages", "Fallback Reply", "NLP Detected",
        "NLP Missed", "Conversation Length", "Time To Pick Up", "Takeover Rate", "Support Conversation Length",
        "Goal Reached", "Incoming Message", "API Request", "API Request Error", "Time To First Message",
        "Operator Message", "Tag Hit",
    ];

    /// <summary>The documented name of a type, e.g. "New User".</summary>
    public static string NameOf(StatisticType type) =>
        (int)type >= 0 && (int)type < Names.Length ? Names[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, "unknown statistic type");

    /// <summary>Wire name of a group mode: hour, day, month, year.</summary>
    public static string ToWireName(this StatisticsGroupMode mode) => mode switch
    {
        StatisticsGroupMode.Hour => "hour",
        StatisticsGroupMode.Day => "day",
        StatisticsGroupMode.Month => "month",
        _ => "year",
    };

    /// <summary>Parses <c>TYPES</c>: comma-separated codes, at least one, duplicates ignored (first occurrence kept).</summary>
    /// <exception cref="EngagementValidationException">Empty, not a number, unknown, or 18 on the account endpoint.</exception>
    public static IReadOnlyList<StatisticType> ParseTypes(string? value, StatisticsScope scope, string parameterName = "types")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new EngagementValidationException(parameterName, value, $"{parameterName} is required: comma-separated statistic type codes such as 0,2,9");
        }

        var types = new List<StatisticType>();
        foreach (var part in value.Split(','))
        {
            var text = part.Trim();
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code > 18)
            {
                throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': '{text}' is not a statistic type (0 to 18)");
            }

            if (code == (int)StatisticType.TagHit && scope == StatisticsScope.Account)
            {
                throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': type 18 (Tag Hit) is only available on the bot endpoint");
            }

            if (!types.Contains((StatisticType)code))
            {
                types.Add((StatisticType)code);
            }
        }

        return types;
    }

    /// <summary>Parses <c>GROUPMODE</c>: hour, day, month or year (any letter case).</summary>
    public static StatisticsGroupMode ParseGroupMode(string? value, string parameterName = "groupMode") => value?.Trim().ToLowerInvariant() switch
    {
        "hour" => StatisticsGroupMode.Hour,
        "day" => StatisticsGroupMode.Day,
        "month" => StatisticsGroupMode.Month,
        "year" => StatisticsGroupMode.Year,
        _ => throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected hour, day, month or year"),
    };

    /// <summary>Parses <c>DAYS</c>: an integer from 1 to 30.</summary>
    public static int ParseDays(string? value, string parameterName = "days") =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 30
            ? days
            : throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected a whole number of days from 1 to 30");
}
