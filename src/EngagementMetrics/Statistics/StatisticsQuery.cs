namespace EngagementMetrics.Statistics;

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
