using EngagementMetrics.Events;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests.Support;

/// <summary>
/// A deliberately naive reading of the semantics: convert every event with TimeZoneInfo, group with sets.
/// Slow and obvious; the engine must agree with it exactly.
/// </summary>
internal static class NaiveTrend
{
    public sealed record Result(int[] Unique, int[] New, int PeriodUnique, int PeriodNew);

    public static Result Compute(IReadOnlyList<InteractionEvent> input, TrendQuery query)
    {
        var history = new NaiveHistory(input, query.BotId);
        var activity = history.Activity;
        var firstSeen = history.FirstSeen;

        var bucketStarts = new List<DateOnly>();
        for (var d = query.StartDate; d <= query.EndDate; d = d.AddDays(1))
        {
            var key = BucketPlan.GroupStart(d, query.Aggregation);
            if (!bucketStarts.Contains(key))
            {
                bucketStarts.Add(key);
            }
        }

        var bucketCount = query.Aggregation == TrendAggregation.Hourly ? query.Days * 24
            : query.Aggregation == TrendAggregation.Daily ? query.Days : bucketStarts.Count;

        int BucketOf(DateTime utc)
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(utc, query.TimeZone);
            var date = DateOnly.FromDateTime(local);
            if (date < query.StartDate || date > query.EndDate)
            {
                return -1;
            }

            var day = date.DayNumber - query.StartDate.DayNumber;
            return query.Aggregation switch
            {
                TrendAggregation.Hourly => (day * 24) + local.Hour,
                TrendAggregation.Daily => day,
                _ => bucketStarts.IndexOf(BucketPlan.GroupStart(date, query.Aggregation)),
            };
        }

        var perBucket = Enumerable.Range(0, bucketCount).Select(_ => new HashSet<string>()).ToArray();
        var period = new HashSet<string>();
        foreach (var e in activity.Where(e => history.Passes(e, query)))
        {
            var bucket = BucketOf(e.Timestamp.UtcDateTime);
            if (bucket >= 0)
            {
                perBucket[bucket].Add(e.UserId!);
                period.Add(e.UserId!);
            }
        }

        var unique = perBucket.Select(s => s.Count).ToArray();
        var fresh = perBucket.Select((s, b) => s.Count(u => BucketOf(firstSeen[u]) == b)).ToArray();
        var periodNew = period.Count(u => BucketOf(firstSeen[u]) >= 0);
        return new Result(unique, fresh, period.Count, periodNew);
    }
}
