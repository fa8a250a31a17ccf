namespace EngagementMetrics.Trends;

/// <summary>The answer to a <see cref="TrendQuery"/>: one entry per bucket, oldest first, and the period summary.</summary>
public sealed class EngagementTrend
{
    /// <summary>Creates a trend.</summary>
    public EngagementTrend(TrendQuery query, IReadOnlyList<TrendBucket> buckets, TrendSummary summary)
    {
        Query = query ?? throw new ArgumentNullException(nameof(query));
        Buckets = buckets ?? throw new ArgumentNullException(nameof(buckets));
        Summary = summary ?? throw new ArgumentNullException(nameof(summary));
    }

    /// <summary>The question answered.</summary>
    public TrendQuery Query { get; }

    /// <summary>Every bucket of the period, oldest first, including empty ones (24 per day for hourly trends).</summary>
    public IReadOnlyList<TrendBucket> Buckets { get; }

    /// <summary>The period's totals and per-day averages.</summary>
    public TrendSummary Summary { get; }

    /// <summary>Number of calendar days in the period.</summary>
    public int Days => Query.Days;
}
