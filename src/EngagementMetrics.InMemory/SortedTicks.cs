namespace EngagementMetrics.InMemory;

/// <summary>Binary searches over the sorted tick prefix of a chunk.</summary>
internal static class SortedTicks
{
    /// <summary>First index in [0, count) whose tick is at least <paramref name="value"/> (or above it when <paramref name="strictlyAbove"/>).</summary>
    public static int Search(long[] ticks, int count, long value, bool strictlyAbove = false)
    {
        int lo = 0, hi = count;
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
