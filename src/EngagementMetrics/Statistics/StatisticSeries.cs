namespace EngagementMetrics.Statistics;

/// <summary>One type's values over every bucket of the window, oldest first.</summary>
public sealed record StatisticSeries(StatisticType Type, string Name, IReadOnlyList<StatisticPoint> Points);
