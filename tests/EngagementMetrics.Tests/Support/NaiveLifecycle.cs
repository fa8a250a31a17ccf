using System.Globalization;
using EngagementMetrics.Events;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;

namespace EngagementMetrics.Tests.Support;

/// <summary>
/// Deliberately naive readings of lifecycle and retention: every event converted with TimeZoneInfo to a local label
/// string, one set of users per label, set operations per bucket. Slow and obvious; the engine must agree exactly.
/// </summary>
internal static class NaiveLifecycle
{
    public sealed record Bucket(string Period, int New, int Returning, int Resurrecting, int Dormant);

    public sealed record Cohort(string Label, int Users, int[] Retained, decimal?[] Percent);

    public static string Label(DateTime local, LifecycleAggregation aggregation) => aggregation switch
    {
        LifecycleAggregation.Hour => local.ToString("yyyy-MM-dd'T'HH':00'", CultureInfo.InvariantCulture),
        LifecycleAggregation.Day => local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        LifecycleAggregation.Week => $"{ISOWeek.GetYear(local):D4}-W{ISOWeek.GetWeekOfYear(local):D2}",
        _ => local.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };

    public static List<Bucket> Compute(IReadOnlyList<InteractionEvent> input, LifecycleQuery query)
    {
        var history = new NaiveHistory(input, query.BotId);
        var aggregation = query.Aggregation;
        string LabelOf(DateTime utc) => Label(NaiveHistory.Local(utc, query), aggregation);
        bool InPeriod(DateTime utc)
        {
            var date = DateOnly.FromDateTime(NaiveHistory.Local(utc, query));
            return date >= query.StartDate && date <= query.EndDate;
        }

        // The labels of the period in order: every local hour of every date, every date, week or month.
        var labels = new List<string>();
        for (var d = query.StartDate; d <= query.EndDate; d = d.AddDays(1))
        {
            for (var h = 0; h < (aggregation == LifecycleAggregation.Hour ? 24 : 1); h++)
            {
                var label = Label(d.ToDateTime(new TimeOnly(h, 0)), aggregation);
                if (!labels.Contains(label))
                {
                    labels.Add(label);
                }
            }
        }

        var beforeStart = aggregation switch
        {
            LifecycleAggregation.Hour => query.StartDate.ToDateTime(TimeOnly.MinValue).AddHours(-1),
            LifecycleAggregation.Day => query.StartDate.AddDays(-1).ToDateTime(TimeOnly.MinValue),
            LifecycleAggregation.Week => query.StartDate.AddDays(-7).ToDateTime(TimeOnly.MinValue),
            _ => new DateTime(query.StartDate.Year, query.StartDate.Month, 1).AddDays(-1),
        };
        var previousLabel = Label(beforeStart, aggregation);

        var active = new Dictionary<string, HashSet<string>>();
        HashSet<string> Users(string label) => active.TryGetValue(label, out var set) ? set : active[label] = [];
        foreach (var e in history.Activity.Where(e => history.Passes(e, query)))
        {
            var utc = e.Timestamp.UtcDateTime;
            var label = LabelOf(utc);
            if (InPeriod(utc) || label == previousLabel && DateOnly.FromDateTime(NaiveHistory.Local(utc, query)) < query.StartDate)
            {
                Users(label).Add(e.UserId!);
            }
        }

        var result = new List<Bucket>();
        for (var i = 0; i < labels.Count; i++)
        {
            var b = Users(labels[i]);
            var p = Users(i == 0 ? previousLabel : labels[i - 1]);
            var fresh = b.Where(u => InPeriod(history.FirstSeen[u]) && LabelOf(history.FirstSeen[u]) == labels[i]).ToHashSet();
            var returning = b.Where(u => !fresh.Contains(u) && p.Contains(u)).Count();
            var resurrecting = b.Count(u => !fresh.Contains(u) && !p.Contains(u));
            result.Add(new Bucket(labels[i], fresh.Count, returning, resurrecting, p.Count(u => !b.Contains(u))));
        }

        return result;
    }

    public static List<Cohort> Compute(IReadOnlyList<InteractionEvent> input, RetentionQuery query)
    {
        var history = new NaiveHistory(input, query.BotId);
        var aggregation = query.Interval == RetentionInterval.Week ? LifecycleAggregation.Week : LifecycleAggregation.Day;
        string LabelOf(DateTime utc) => Label(NaiveHistory.Local(utc, query), aggregation);

        var labels = new List<string>();
        for (var d = query.StartDate; d <= query.EndDate; d = d.AddDays(1))
        {
            var label = Label(d.ToDateTime(TimeOnly.MinValue), aggregation);
            if (!labels.Contains(label))
            {
                labels.Add(label);
            }
        }

        // Whole intervals: a week's activity counts also on its dates outside the period.
        var active = labels.ToDictionary(l => l, _ => new HashSet<string>());
        foreach (var e in history.Activity.Where(e => history.Passes(e, query)))
        {
            if (active.TryGetValue(LabelOf(e.Timestamp.UtcDateTime), out var users))
            {
                users.Add(e.UserId!);
            }
        }

        var result = new List<Cohort>();
        for (var c = 0; c < labels.Count; c++)
        {
            var cohort = history.FirstSeen.Where(f => LabelOf(f.Value) == labels[c]).Select(f => f.Key).ToHashSet();
            var entries = Math.Min(query.Periods, labels.Count - c);
            var retained = Enumerable.Range(0, entries).Select(n => active[labels[c + n]].Count(cohort.Contains)).ToArray();
            var percent = retained.Select(r => cohort.Count == 0 ? (decimal?)null : Math.Round(100m * r / cohort.Count, 2, MidpointRounding.AwayFromZero)).ToArray();
            result.Add(new Cohort(labels[c], cohort.Count, retained, percent));
        }

        return result;
    }
}
