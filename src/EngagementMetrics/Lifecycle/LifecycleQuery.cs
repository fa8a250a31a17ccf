using EngagementMetrics.Trends;

namespace EngagementMetrics.Lifecycle;

/// <summary>
/// A lifecycle question: for each local bucket of the period, how many active users are new, returning or
/// resurrecting, and how many of the previous bucket's went dormant. Filters, zone and period as in every
/// <see cref="PeriodQuery"/>.
/// </summary>
public sealed record LifecycleQuery : PeriodQuery
{
    /// <summary>Bucket size. Default <see cref="LifecycleAggregation.Day"/>.</summary>
    public LifecycleAggregation Aggregation { get; init; } = LifecycleAggregation.Day;
}
