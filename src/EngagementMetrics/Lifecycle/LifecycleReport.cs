namespace EngagementMetrics.Lifecycle;

/// <summary>The answer to a <see cref="LifecycleQuery"/>: one entry per bucket of the period, oldest first.</summary>
public sealed class LifecycleReport
{
    /// <summary>Creates a report.</summary>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public LifecycleReport(LifecycleQuery query, IReadOnlyList<LifecycleBucket> buckets)
    {
        Query = query ?? throw new ArgumentNullException(nameof(query));
        Buckets = buckets ?? throw new ArgumentNullException(nameof(buckets));
    }

    /// <summary>The question answered.</summary>
    public LifecycleQuery Query { get; }

    /// <summary>Every bucket of the period, oldest first, including empty ones (24 per date for hourly buckets).</summary>
    public IReadOnlyList<LifecycleBucket> Buckets { get; }
}
