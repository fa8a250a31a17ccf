namespace EngagementMetrics.Trends;

/// <summary>An engagement-trend question: which bot, which local dates, in which zone, bucketed how, filtered how.</summary>
public sealed record TrendQuery : PeriodQuery
{
    /// <summary>Bucket size. Default <see cref="TrendAggregation.Hourly"/> (as the Kore.ai APIs).</summary>
    public TrendAggregation Aggregation { get; init; } = TrendAggregation.Hourly;
}
