namespace EngagementMetrics.Lifecycle;

/// <summary>How a lifecycle's buckets are sized. Every bucket is in the query's local time and clipped to the period.</summary>
public enum LifecycleAggregation
{
    /// <summary>One bucket per local hour label (24 per date): a spring-forward gap hour is an empty bucket, a fall-back repeated hour is one bucket. Label <c>2025-12-01T14:00</c>.</summary>
    Hour = 0,

    /// <summary>One bucket per local calendar date. Label <c>2025-12-01</c>.</summary>
    Day = 1,

    /// <summary>One bucket per ISO week (Monday first). Label <c>2025-W49</c>, the ISO week-year and week.</summary>
    Week = 2,

    /// <summary>One bucket per local calendar month. Label <c>2025-12</c>.</summary>
    Month = 3,
}
