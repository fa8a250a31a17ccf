namespace EngagementMetrics.Queries;

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

/// <summary>The period's totals, which are distinct counts over the whole period (not sums of buckets).</summary>
/// <param name="UniqueUsers">Users active in the period under the filters.</param>
/// <param name="NewUsers">Of those, users first seen within the period.</param>
/// <param name="ReturningUsers">Of those, users first seen before the period.</param>
/// <param name="AvgUniqueUsersPerDay"><paramref name="UniqueUsers"/> / days, rounded to 2 decimals, midpoint away from zero.</param>
/// <param name="AvgNewUsersPerDay"><paramref name="NewUsers"/> / days, rounded likewise.</param>
/// <param name="AvgReturningUsersPerDay"><paramref name="ReturningUsers"/> / days, rounded likewise.</param>
public sealed record TrendSummary(
    int UniqueUsers,
    int NewUsers,
    int ReturningUsers,
    decimal AvgUniqueUsersPerDay,
    decimal AvgNewUsersPerDay,
    decimal AvgReturningUsersPerDay);

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

/// <summary>Exact per-day averages.</summary>
internal static class PerDayAverage
{
    /// <summary>
    /// <paramref name="count"/> / <paramref name="days"/> rounded to 2 decimals, midpoint away from zero, from the exact
    /// decimal quotient (107 / 40 = 2.675 gives 2.68), with no trailing zeros (<c>0.4</c>, not <c>0.40</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is not positive.</exception>
    public static decimal Compute(long count, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        return Normalize(Math.Round((decimal)count / days, 2, MidpointRounding.AwayFromZero));
    }

    /// <summary>Removes trailing zeros from a decimal's scale (2.50 becomes 2.5, 0.00 becomes 0).</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;
}
