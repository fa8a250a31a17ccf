namespace EngagementMetrics.Trends;

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
