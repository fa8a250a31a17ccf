namespace EngagementMetrics.Statistics;

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
