namespace EngagementMetrics.Statistics;

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
