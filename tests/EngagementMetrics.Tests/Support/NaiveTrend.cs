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
        // Idempotency: the first event with a given (bot, eventId) wins.
        var seenIds = new HashSet<(string, string)>();
        var events = input.Where(e => e.EventId is null || seenIds.Add((e.BotId, e.EventId))).Where(e => e.BotId == query.BotId).ToList();
        var activity = events.Where(e => e.Kind.IsUserActivity()).ToList();
        var firstSeen = activity.GroupBy(e => e.UserId!).ToDictionary(g => g.Key, g => g.Min(e => e.Timestamp.UtcDateTime));
        var interactive = events.Where(e => e.ConversationId != null && e.Kind.IsUserInput()).Select(e => e.ConversationId!).ToHashSet();
        var closed = events.Where(e => e.ConversationId != null && e.Kind == InteractionKind.ConversationClosed).Select(e => e.ConversationId!).ToHashSet();

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

        bool Passes(InteractionEvent e)
        {
            if (query.Channels is { Count: > 0 } channels && !channels.Contains(e.NormalizedChannel, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }

            if (query.ConversationType == ConversationTypeFilter.All && query.ConversationStatus == ConversationStatusFilter.All)
            {
                return true;
            }

            if (e.ConversationId is null)
            {
                return false;
            }

            var isInteractive = interactive.Contains(e.ConversationId);
            var isClosed = closed.Contains(e.ConversationId);
            var typeOk = query.ConversationType switch
            {
                ConversationTypeFilter.Interactive => isInteractive,
                ConversationTypeFilter.NonInteractive => !isInteractive,
                _ => true,
            };
            var statusOk = query.ConversationStatus switch
            {
                ConversationStatusFilter.Active => !isClosed,
                ConversationStatusFilter.Closed => isClosed,
                _ => true,
            };
            return typeOk && statusOk;
        }

        var perBucket = Enumerable.Range(0, bucketCount).Select(_ => new HashSet<string>()).ToArray();
        var period = new HashSet<string>();
        foreach (var e in activity.Where(Passes))
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
