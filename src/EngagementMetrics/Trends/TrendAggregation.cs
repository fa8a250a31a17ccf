namespace EngagementMetrics.Trends;

/// <summary>How a trend's buckets are sized. Every bucket is in the query's local time.</summary>
public enum TrendAggregation
{
    /// <summary>One bucket per local hour of each day (24 per day; a skipped hour is an empty bucket, a repeated hour is one bucket).</summary>
    Hourly = 0,

    /// <summary>One bucket per local calendar date.</summary>
    Daily = 1,

    /// <summary>One bucket per ISO week (Monday first), clipped to the period.</summary>
    Weekly = 2,

    /// <summary>One bucket per local calendar month, clipped to the period.</summary>
    Monthly = 3,

    /// <summary>One bucket per local calendar year, clipped to the period.</summary>
    Yearly = 4,
}
