using System.Buffers;

namespace EngagementMetrics.Storage.Relational;

/// <summary>Puts the columns of several concatenated segments into time order.</summary>
internal static class SegmentMerge
{
    /// <summary>
    /// Sorts the first <paramref name="count"/> entries of the columns by timestamp, in place; the channel and
    /// conversation columns only when given (a scan that did not read them).
    /// </summary>
    public static void SortByTime(long[] ticks, int[] users, int[]? channels, int[]? conversations, int count)
    {
        if (IsSorted(ticks.AsSpan(0, count)))
        {
            return;
        }

        var order = ArrayPool<int>.Shared.Rent(count);
        var scratch = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
            }

            Array.Sort(ticks, order, 0, count);
            Permute(users, order, scratch, count);
            if (channels is not null)
            {
                Permute(channels, order, scratch, count);
            }

            if (conversations is not null)
            {
                Permute(conversations, order, scratch, count);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<int>.Shared.Return(scratch);
        }
    }

    private static bool IsSorted(ReadOnlySpan<long> ticks)
    {
        for (var i = 1; i < ticks.Length; i++)
        {
            if (ticks[i] < ticks[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    private static void Permute(int[] column, int[] order, int[] scratch, int count)
    {
        for (var i = 0; i < count; i++)
        {
            scratch[i] = column[order[i]];
        }

        Array.Copy(scratch, column, count);
    }
}
