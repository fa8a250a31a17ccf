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
    /// True when bucket indexes never decrease as UTC time increases (every real zone in the tz database, for every
    /// period tested). The one-pass counting relies on it.
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

    /// <summary>The plan of a trend: its buckets over the query's period.</summary>
    public static BucketPlan Create(TrendQuery query)
    {
        var (slotToBucket, bucketLocalStart) = DescribeBuckets(query);
        return Create(query.TimeZone, query.StartDate, query.Days, query.Aggregation == TrendAggregation.Hourly, slotToBucket, bucketLocalStart);
    }

    /// <summary>
    /// A plan over local slots, the hours (<paramref name="hourly"/>) or days from <paramref name="origin"/> 00:00 for
    /// <paramref name="days"/> days: slot s belongs to bucket <c>slotToBucket[s]</c> (-1: to none), or to bucket s when
    /// <paramref name="slotToBucket"/> is <see langword="null"/>.
    /// </summary>
    /// <param name="zone">The zone whose wall clock defines the slots.</param>
    /// <param name="origin">The local date of slot 0.</param>
    /// <param name="days">Number of local days the slots cover.</param>
    /// <param name="hourly">Slots of one local hour (24 per date) rather than one local date.</param>
    /// <param name="slotToBucket">Bucket of each slot, non-decreasing where not -1; <see langword="null"/> for the identity.</param>
    /// <param name="bucketLocalStart">Each bucket's local start, in bucket order.</param>
    public static BucketPlan Create(TimeZoneInfo zone, DateOnly origin, int days, bool hourly, int[]? slotToBucket, DateTime[] bucketLocalStart)
    {
        var originLocal = origin.ToDateTime(TimeOnly.MinValue).Ticks;
        var slotTicks = hourly ? TimeSpan.TicksPerHour : TimeSpan.TicksPerDay;
        var slots = hourly ? days * 24 : days;

        // Two days of margin on each side covers every offset (at most +-14 h) and a skipped date.
        var windowFrom = Math.Max(0, originLocal - (2 * TimeSpan.TicksPerDay));
        var windowTo = Math.Min(DateTime.MaxValue.Ticks, originLocal + ((days + 2) * TimeSpan.TicksPerDay));
        var segments = ZoneOffsets.GetSegments(zone, windowFrom, windowTo);

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

        // Runs outside every bucket between two buckets are harmless (a lifecycle's clipped first week lies between
        // the whole week before it and the period); only a bucket index going back breaks the one-pass counting.
        var monotonic = true;
        var highest = -1;
        long scanFrom = 0, scanTo = 0;
        for (var i = 0; i < runStart.Count - 1; i++)
        {
            var bucket = runBucket[i];
            if (bucket < 0)
            {
                continue;
            }

            if (bucket < highest)
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

    /// <summary>
    /// Starts every user's state: not counted yet (<see cref="UserBucketState.Last"/> -1) and the bucket of their
    /// first-seen instant (<see cref="UserBucketState.First"/>, -1 outside every bucket).
    /// </summary>
    /// <remarks>
    /// First-seen instants mostly come in ordinal order, so a forward walk over the run table places them in
    /// O(users + runs); an instant earlier than its predecessor falls back to a binary search.
    /// </remarks>
    public void PlaceFirstSeen(ReadOnlySpan<long> firstSeen, Span<UserBucketState> users)
    {
        var buckets = RunBucket;
        var from = ScanFromUtcTicks;
        var to = ScanToUtcTicks;
        var run = 0;
        var previous = long.MinValue;
        for (var u = 0; u < users.Length; u++)
        {
            var seen = firstSeen[u];
            var first = -1;
            if (seen >= from && seen < to)
            {
                run = seen < previous ? RunOf(seen) : AdvanceRun(run, seen);
                previous = seen;
                first = buckets[run];
            }

            users[u] = new UserBucketState { Last = -1, First = first };
        }
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
                    var (map, starts) = GroupDates(start, query.EndDate, query.Aggregation);
                    return (map, starts);
                }
        }
    }

    /// <summary>
    /// A plan whose slots are the local dates <paramref name="from"/> to <paramref name="to"/> (inclusive), one bucket
    /// per week, month or year (<see cref="GroupStart"/>; <see cref="TrendAggregation.Daily"/>: per date), in order;
    /// the dates from <paramref name="gapFrom"/> up to (not including) <paramref name="gapTo"/> belong to no bucket.
    /// </summary>
    public static BucketPlan CreateGrouped(TimeZoneInfo zone, DateOnly from, DateOnly to, TrendAggregation unit, DateOnly gapFrom = default, DateOnly gapTo = default)
    {
        var (map, starts) = GroupDates(from, to, unit, gapFrom, gapTo);
        return Create(zone, from, to.DayNumber - from.DayNumber + 1, hourly: false, map, starts);
    }

    // One bucket per distinct group start among the dates, in date order; the gap's dates map to -1.
    private static (int[] SlotToBucket, DateTime[] BucketLocalStart) GroupDates(DateOnly from, DateOnly to, TrendAggregation unit, DateOnly gapFrom = default, DateOnly gapTo = default)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        var map = new int[days];
        var starts = new List<DateTime>();
        DateOnly? currentKey = null;
        for (var i = 0; i < days; i++)
        {
            var date = from.AddDays(i);
            if (date >= gapFrom && date < gapTo)
            {
                map[i] = -1;
                continue;
            }

            var key = GroupStart(date, unit);
            if (key != currentKey)
            {
                currentKey = key;
                starts.Add(key.ToDateTime(TimeOnly.MinValue));
            }

            map[i] = starts.Count - 1;
        }

        return (map, starts.ToArray());
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
