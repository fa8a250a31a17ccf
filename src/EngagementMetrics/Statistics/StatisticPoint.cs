namespace EngagementMetrics.Statistics;

/// <summary>One value of a series: a count, a mean of seconds or a percentage, or null for a mean over nothing.</summary>
/// <param name="Period">The bucket label: <c>2025-12-01T14:00</c> (hour), <c>2025-12-01</c> (day), <c>2025-12</c> (month), <c>2025</c> (year).</param>
/// <param name="Value">The value, at most 2 decimals, or null.</param>
public readonly record struct StatisticPoint(string Period, decimal? Value);
