using System.Globalization;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Trends;

/// <summary>
/// The precomputed map from UTC instants to a query's local buckets: a sorted table of UTC "runs", each with one
/// bucket index (or -1 outside the period). Built once per query from the zone's offset segments, so the hot loop
/// only compares an event's ticks with the next run's start.
/// </summary>
/// <remarks>
/// DST needs no special case here: a spring-forward gap is a local hour no run maps to (an empty bucket), a fall-back
/// overlap is two consecutive UTC runs with the same bucket (one bucket holding both real hours), and a skipped date
/// (Pacific/Apia 2011-12-30) is a day no run maps to.
/// </remarks>
internal sealed class BucketPlan
{
    private BucketPlan(
        long[] runStart, int[] runBucket, DateTime[] bucketLocalStart, bool monotonic, long scanFrom, long scanTo)
    {
        RunStart = runStart;
        RunBucket = runBucket;
        BucketLocalStart = bucketLocalStart;
        Monotonic = monotonic;
        ScanFromUtcTicks = scanFrom;
        ScanToUtcTicks = scanTo;
    }

    /// <summary>Run start instants (UTC ticks). Entry 0 is <see cref="long.MinValue"/>, the last is a <see cref="long.MaxValue"/> sentinel.</summary>
    public long[] RunStart { get; }

    /// <summary>Bucket of each run; -1 outside the period. Same length as <see cref="RunStart"/>.</summary>
    public int[] RunBucket { get; }

    /// <summary>For each bucket, its local start (date and hour for hourly buckets; first date for the others).</summary>
    public DateTime[] BucketLocalStart { get; }

    /// <summary>Number of buckets.</summary>
    public int BucketCount => BucketLocalStart.Length;

    /// <summary>
    /// True when bucket indexes never decrease as UTC time increases and the period is one UTC interval
    /// (every real zone in the tz database, for every period tested). The fast path relies on it.
    /// </summary>
    public bool Monotonic { get; }

    /// <summary>Inclusive UTC start of the period's events.</summary>
    public long ScanFromUtcTicks { get; }

    /// <summary>Exclusive UTC end of the period's events.</summary>
    public long ScanToUtcTicks { get; }

    /// <summary>The bucket a UTC instant falls in, or -1 outside the period (binary search; not for the hot loop).</summary>
    public int BucketOf(long utcTicks) => RunBucket[RunOf(utcTicks)];

    /// <summary>The run holding <paramref name="utcTicks"/>, walking forward from <paramref name="run"/> (for instants that only rise).</summary>
    public int AdvanceRun(int run, long utcTicks)
    {
        while (RunStart[run + 1] <= utcTicks)
        {
            run++;
        }

        return run;
    }

    /// <summary>The index of the run holding a UTC instant (binary search).</summary>
    public int RunOf(long utcTicks)
    {
        var index = Array.BinarySearch(RunStart, utcTicks);
        return index < 0 ? ~index - 1 : index;
    }

    public static BucketPlan Create(TrendQuery query)
    {
        var days = query.Days;
        var originLocal = query.StartDate.ToDateTime(TimeOnly.MinValue).Ticks;
        var hourly = query.Aggregation == TrendAggregation.Hourly;
        var slotTicks = hourly ? TimeSpan.TicksPerHour : TimeSpan.TicksPerDay;
        var slots = hourly ? days * 24 : days;
        var (slotToBucket, bucketLocalStart) = DescribeBuckets(query);

        // Two days of margin on each side covers every offset (at most +-14 h) and a skipped date.
        var windowFrom = Math.Max(0, originLocal - (2 * TimeSpan.TicksPerDay));
        var windowTo = Math.Min(DateTime.MaxValue.Ticks, originLocal + ((days + 2) * TimeSpan.TicksPerDay));
        var segments = ZoneOffsets.GetSegments(query.TimeZone, windowFrom, windowTo);

        var runStart = new List<long>(slots + 8) { long.MinValue };
        var runBucket = new List<int>(slots + 8) { -1 };
        foreach (var segment in segments)
        {
            var current = segment.StartUtcTicks;
            var slot = FloorDiv(current + segment.OffsetTicks - originLocal, slotTicks);
            while (current < segment.EndUtcTicks)
            {
                var slotEndUtc = originLocal + ((slot + 1) * slotTicks) - segment.OffsetTicks;
                var next = Math.Min(segment.EndUtcTicks, slotEndUtc);
                var bucket = slot >= 0 && slot < slots ? (slotToBucket is null ? (int)slot : slotToBucket[slot]) : -1;
                if (runBucket[^1] != bucket)
                {
                    runStart.Add(current);
                    runBucket.Add(bucket);
                }

                current = next;
                slot++;
            }
        }

        runStart.Add(long.MaxValue);
        runBucket.Add(-1);

        var monotonic = true;
        var highest = -1;
        var leftPeriod = false;
        long scanFrom = 0, scanTo = 0;
        for (var i = 0; i < runStart.Count - 1; i++)
        {
            var bucket = runBucket[i];
            if (bucket < 0)
            {
                leftPeriod |= highest >= 0;
                continue;
            }

            if (bucket < highest || leftPeriod)
            {
                monotonic = false;
            }

            if (highest < 0)
            {
                scanFrom = runStart[i];
            }

            highest = Math.Max(highest, bucket);
            scanTo = runStart[i + 1];
        }

        return new BucketPlan(runStart.ToArray(), runBucket.ToArray(), bucketLocalStart, monotonic, scanFrom, scanTo);
    }

    // Hourly and daily buckets are the slots themselves; coarser buckets group days.
    private static (int[]? SlotToBucket, DateTime[] BucketLocalStart) DescribeBuckets(TrendQuery query)
    {
        var days = query.Days;
        var start = query.StartDate;
        switch (query.Aggregation)
        {
            case TrendAggregation.Hourly:
                {
                    var starts = new DateTime[days * 24];
                    var origin = start.ToDateTime(TimeOnly.MinValue);
                    for (var i = 0; i < starts.Length; i++)
                    {
                        starts[i] = origin.AddHours(i);
                    }

                    return (null, starts);
                }

            case TrendAggregation.Daily:
                {
                    var starts = new DateTime[days];
                    for (var i = 0; i < days; i++)
                    {
                        starts[i] = start.AddDays(i).ToDateTime(TimeOnly.MinValue);
                    }

                    return (null, starts);
                }

            default:
                {
                    var map = new int[days];
                    var starts = new List<DateTime>();
                    DateOnly? currentKey = null;
                    for (var i = 0; i < days; i++)
                    {
                        var date = start.AddDays(i);
                        var key = GroupStart(date, query.Aggregation);
                        if (key != currentKey)
                        {
                            currentKey = key;
                            starts.Add(key.ToDateTime(TimeOnly.MinValue));
                        }

                        map[i] = starts.Count - 1;
                    }

                    return (map, starts.ToArray());
                }
        }
    }

    /// <summary>The first date of the week (ISO, Monday first), month or year that holds <paramref name="date"/>.</summary>
    internal static DateOnly GroupStart(DateOnly date, TrendAggregation aggregation) => aggregation switch
    {
        TrendAggregation.Weekly => DateOnly.FromDateTime(ISOWeek.ToDateTime(ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue)), DayOfWeek.Monday)),
        TrendAggregation.Monthly => new DateOnly(date.Year, date.Month, 1),
        TrendAggregation.Yearly => new DateOnly(date.Year, 1, 1),
        _ => date,
    };

    private static long FloorDiv(long a, long b) => (a / b) - (((a % b) != 0 && ((a < 0) ^ (b < 0))) ? 1 : 0);
}
