using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;

namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/lifecycle-retention.md.</summary>
internal static class LifecycleDoc
{
    public static async Task<string> LifecycleAsync(IServiceProvider provider)
    {
        #region lifecycle
        var engine = provider.GetRequiredService<EngagementEngine>();
        var report = await engine.GetLifecycleAsync(new LifecycleQuery
        {
            BotId = "b1",
            StartDate = new DateOnly(2025, 12, 1),
            EndDate = new DateOnly(2025, 12, 3),                   // inclusive, local dates
            TimeZone = TimeZoneParser.Parse("UTC"),                 // any zone of time-zones.md
            Aggregation = LifecycleAggregation.Day,                 // Hour | Day | Week | Month
        });
        foreach (var b in report.Buckets)                           // 2025-12-01 new 2 returning 1 resurrecting 0 dormant 1 ...
        {
            Console.WriteLine($"{b.Period} new {b.New} returning {b.Returning} resurrecting {b.Resurrecting} dormant {b.Dormant}");
        }

        string json = LifecycleJson.Serialize(report, indented: false); // {"bot":"b1","timeZone":"UTC","aggregation":"day",...}
        #endregion
        return json;
    }

    public static async Task<string> RetentionAsync(IServiceProvider provider)
    {
        #region retention
        var engine = provider.GetRequiredService<EngagementEngine>();
        var report = await engine.GetRetentionAsync(new RetentionQuery
        {
            BotId = "b1",
            StartDate = new DateOnly(2025, 12, 1),
            EndDate = new DateOnly(2025, 12, 3),
            Interval = RetentionInterval.Day,                       // Day | Week (whole ISO weeks)
            Periods = 8,                                            // entries per cohort at most (1 to 1000)
        });
        foreach (var c in report.Cohorts)                           // 2025-12-01: 2 users, retained 2 1 1, percent 100 50 50 ...
        {
            Console.WriteLine($"{c.Cohort}: {c.Users} users, retained {string.Join(' ', c.Retained)}, percent {string.Join(' ', c.Percent)}");
        }

        // A front door's parameters (aggregation, interval, periods, dates, zone, filters), errors naming them.
        var query = LifecycleQueryBinder.BindRetention("b1", name => name switch
        {
            "start_date" => "2025-12-01",
            "end_date" => "2025-12-03",
            "interval" => "week",
            _ => null,
        }, LifecycleParameterNames.Default);
        string json = LifecycleJson.Serialize(await engine.GetRetentionAsync(query));
        #endregion
        return json;
    }
}
