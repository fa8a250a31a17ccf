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

/// <summary>Whether a statistics result also breaks its values down per bot and channel.</summary>
public enum StatisticsBreakdown
{
    /// <summary>The series only (one value per type and bucket over every bot and channel asked).</summary>
    None,

    /// <summary>
    /// The series and the rows: one value per (bucket, bot, channel, type), for every (bot, channel) pair with at least
    /// one event in the window (<see cref="StatisticsResult.Rows"/>).
    /// </summary>
    BotAndChannel,
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

    /// <summary>Whether the result also holds the per-(bucket, bot, channel, type) rows. Default <see cref="StatisticsBreakdown.None"/>.</summary>
    public StatisticsBreakdown Breakdown { get; init; } = StatisticsBreakdown.None;
}

/// <summary>One value of a series: a count, a mean of seconds or a percentage, or null for a mean over nothing.</summary>
/// <param name="Period">The bucket label: <c>2025-12-01T14:00</c> (hour), <c>2025-12-01</c> (day), <c>2025-12</c> (month), <c>2025</c> (year).</param>
/// <param name="Value">The value, at most 2 decimals, or null.</param>
public readonly record struct StatisticPoint(string Period, decimal? Value);

/// <summary>One type's values over every bucket of the window, oldest first.</summary>
public sealed record StatisticSeries(StatisticType Type, string Name, IReadOnlyList<StatisticPoint> Points);

/// <summary>
/// One value of the per-channel breakdown: a type's value for one bucket, one bot and one channel (statistics.md, the
/// row array).
/// </summary>
/// <param name="Period">The bucket label, as <see cref="StatisticPoint.Period"/>.</param>
/// <param name="Bot">The bot's id.</param>
/// <param name="Channel">The channel, in lower case.</param>
/// <param name="Type">The type.</param>
/// <param name="Name">The type's documented name.</param>
/// <param name="Value">The value for that bucket, bot and channel, at most 2 decimals, or null.</param>
public readonly record struct StatisticRow(string Period, string Bot, string Channel, StatisticType Type, string Name, decimal? Value);

/// <summary>The statistics of a window.</summary>
public sealed record StatisticsResult(
    string AccountId,
    string Bot,
    StatisticsGroupMode GroupMode,
    int Days,
    TimeZoneInfo TimeZone,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<StatisticSeries> Series)
{
    /// <summary>
    /// With <see cref="StatisticsBreakdown.BotAndChannel"/>, one row per (bucket, bot, channel, type): buckets oldest
    /// first, bots by id, channels by name (ordinal, lower case), types in the order asked; a (bot, channel) pair has
    /// rows when it has at least one event of any kind in the window. Empty without a breakdown.
    /// </summary>
    /// <remarks>
    /// User types count the users active on the channel (first seen still over every channel of the bot); counts count
    /// the channel's events; conversation metrics follow the conversation's channel, the channel of its earliest event.
    /// </remarks>
    public IReadOnlyList<StatisticRow> Rows { get; init; } = [];

    /// <summary>The breakdown the result was computed with (<see cref="Rows"/> is only meaningful with <see cref="StatisticsBreakdown.BotAndChannel"/>).</summary>
    public StatisticsBreakdown Breakdown { get; init; }
}
