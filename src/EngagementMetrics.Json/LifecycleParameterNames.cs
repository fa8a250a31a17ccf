namespace EngagementMetrics.Json;

/// <summary>
/// What a front door calls the lifecycle and retention parameters: the period, zone and filters as for a trend
/// (<see cref="Period"/>, whose <see cref="TrendParameterNames.Aggregation"/> names the lifecycle's aggregation), plus
/// the retention's interval and periods. <see cref="LifecycleQueryBinder"/> reads values and names errors by them.
/// </summary>
/// <param name="Period">The names shared with the trend: dates, aggregation, channels, zone, conversation filters.</param>
/// <param name="Interval">The retention interval (day or week).</param>
/// <param name="Periods">How many intervals a retention cohort follows.</param>
public sealed record LifecycleParameterNames(TrendParameterNames Period, string Interval, string Periods)
{
    /// <summary>
    /// The default names: <c>start_date</c>, <c>end_date</c>, <c>aggregation</c>, <c>channels</c>, <c>timeZone</c>,
    /// <c>conversationType</c>, <c>conversationStatus</c>, <c>interval</c>, <c>periods</c>.
    /// </summary>
    public static LifecycleParameterNames Default { get; } = new(
        new TrendParameterNames("start_date", "end_date", "aggregation", "channels", "timeZone", "conversationType", "conversationStatus"),
        "interval",
        "periods");
}
