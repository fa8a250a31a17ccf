using System.Runtime.CompilerServices;

namespace EngagementMetrics.Time;

/// <summary>A UTC interval during which a zone keeps one offset.</summary>
/// <param name="StartUtcTicks">Inclusive start, UTC ticks.</param>
/// <param name="EndUtcTicks">Exclusive end, UTC ticks.</param>
/// <param name="OffsetTicks">Local minus UTC, in ticks.</param>
internal readonly record struct OffsetSegment(long StartUtcTicks, long EndUtcTicks, long OffsetTicks);

/// <summary>
/// The offset transitions of a zone, found once per zone and UTC year and cached, so that a query never asks
/// <see cref="TimeZoneInfo"/> about individual events.
/// </summary>
internal static class ZoneOffsets
{
    private static readonly ConditionalWeakTable<TimeZoneInfo, System.Collections.Concurrent.ConcurrentDictionary<int, OffsetSegment[]>> Cache = new();

    /// <summary>The constant-offset segments that cover [<paramref name="fromUtcTicks"/>, <paramref name="toUtcTicks"/>), in order.</summary>
    public static List<OffsetSegment> GetSegments(TimeZoneInfo zone, long fromUtcTicks, long toUtcTicks)
    {
        var perYear = Cache.GetValue(zone, static _ => new());
        var result = new List<OffsetSegment>();
        var firstYear = new DateTime(fromUtcTicks, DateTimeKind.Utc).Year;
        var lastYear = new DateTime(toUtcTicks - 1, DateTimeKind.Utc).Year;
        for (var year = firstYear; year <= lastYear; year++)
        {
            var segments = perYear.GetOrAdd(year, static (y, z) => ComputeYear(z, y), zone);
            foreach (var s in segments)
            {
                var start = Math.Max(s.StartUtcTicks, fromUtcTicks);
                var end = Math.Min(s.EndUtcTicks, toUtcTicks);
                if (start >= end)
                {
                    continue;
                }

                if (result.Count > 0 && result[^1].OffsetTicks == s.OffsetTicks && result[^1].EndUtcTicks == start)
                {
                    result[^1] = result[^1] with { EndUtcTicks = end };
                }
                else
                {
                    result.Add(new OffsetSegment(start, end, s.OffsetTicks));
                }
            }
        }

        return result;
    }

    private static OffsetSegment[] ComputeYear(TimeZoneInfo zone, int year)
    {
        var from = new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var to = year == DateTime.MaxValue.Year ? DateTime.MaxValue.Ticks : new DateTime(year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var segments = new List<OffsetSegment>();
        var segmentStart = from;
        var offset = Offset(zone, from);
        var t = from;

        // Sample every hour: no zone in the tz database changes its offset twice within an hour.
        while (t < to)
        {
            var next = Math.Min(t + TimeSpan.TicksPerHour, to);
            if (next < to)
            {
                var nextOffset = Offset(zone, next);
                if (nextOffset != offset)
                {
                    // Binary search the first tick in (t, next] that has the new offset.
                    long lo = t, hi = next;
                    while (hi - lo > 1)
                    {
                        var mid = lo + ((hi - lo) / 2);
                        if (Offset(zone, mid) == offset)
                        {
                            lo = mid;
                        }
                        else
                        {
                            hi = mid;
                        }
                    }

                    segments.Add(new OffsetSegment(segmentStart, hi, offset));
                    segmentStart = hi;
                    offset = Offset(zone, hi);
                    t = hi;
                    continue;
                }
            }

            t = next;
        }

        segments.Add(new OffsetSegment(segmentStart, to, offset));
        return segments.ToArray();
    }

    private static long Offset(TimeZoneInfo zone, long utcTicks) => zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc)).Ticks;
}
