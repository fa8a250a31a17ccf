namespace EngagementMetrics.Storage;

/// <summary>Binary searches over time-ordered ticks (an <see cref="ActivityBatch"/> column, a store's chunk).</summary>
public static class SortedTicks
{
    /// <summary>The first index whose tick is at least <paramref name="value"/> (the length when none is).</summary>
    public static int LowerBound(ReadOnlySpan<long> ticks, long value) => Search(ticks, value, strictlyAbove: false);

    /// <summary>The first index whose tick is above <paramref name="value"/> (the length when none is).</summary>
    public static int UpperBound(ReadOnlySpan<long> ticks, long value) => Search(ticks, value, strictlyAbove: true);

    private static int Search(ReadOnlySpan<long> ticks, long value, bool strictlyAbove)
    {
        int lo = 0, hi = ticks.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ticks[mid] < value || (strictlyAbove && ticks[mid] == value))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
