namespace EngagementMetrics.Trends;

/// <summary>One bucket of a trend.</summary>
/// <param name="LocalStart">The bucket's local start: date and hour for hourly buckets, the first date for the others (a week's Monday, a month's 1st), which may lie before the period when the bucket is clipped.</param>
/// <param name="UniqueUsers">Users active in the bucket under the filters.</param>
/// <param name="NewUsers">Of those, users whose first seen lies in the bucket.</param>
/// <param name="ReturningUsers">Of those, users first seen before the bucket (<c>UniqueUsers - NewUsers</c>).</param>
public readonly record struct TrendBucket(DateTime LocalStart, int UniqueUsers, int NewUsers, int ReturningUsers)
{
    /// <summary>The bucket's local date.</summary>
    public DateOnly Date => DateOnly.FromDateTime(LocalStart);

    /// <summary>The bucket's local hour (0 to 23; 0 for buckets of a day or longer).</summary>
    public int Hour => LocalStart.Hour;
}
