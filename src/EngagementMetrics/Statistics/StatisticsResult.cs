namespace EngagementMetrics.Statistics;

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
