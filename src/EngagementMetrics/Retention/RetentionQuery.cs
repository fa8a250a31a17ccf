using EngagementMetrics.Trends;

namespace EngagementMetrics.Retention;

/// <summary>
/// A retention question: the users first seen in each interval (day or ISO week) of the period, and how many of them
/// are active N intervals later. Filters, zone and period as in every <see cref="PeriodQuery"/>; the filters decide
/// activity, never who belongs to a cohort.
/// </summary>
public sealed record RetentionQuery : PeriodQuery
{
    /// <summary>The largest <see cref="Periods"/> accepted.</summary>
    public const int MaxPeriods = 1000;

    /// <summary>Cohort interval. Default <see cref="RetentionInterval.Day"/>.</summary>
    public RetentionInterval Interval { get; init; } = RetentionInterval.Day;

    /// <summary>
    /// How many intervals each cohort follows, its own included (N = 0 to <c>Periods - 1</c>); fewer where the
    /// period ends first.
    /// </summary>
    /// <value>1 to <see cref="MaxPeriods"/>; default 8.</value>
    public int Periods { get; init; } = 8;
}
