using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// Lifecycle (day and hour buckets) and retention (day cohorts) over the trend benchmark's history: 10M events, 200k
/// users, the 30 local days from 2025-06-01 in Asia/Kolkata, through the in-memory store as a host app calls it. The
/// baseline is the hourly trend over the same events, so <c>Ratio</c> is each question's time over the trend's.
/// </summary>
/// <remarks>
/// Each benchmark runs in a process of its own, one query per iteration: 15 warm-up and 15 measured queries (a query
/// takes tens of milliseconds, and the machine is shared, so more of them steady the figures).
/// </remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 15, iterationCount: 15)]
public class LifecycleBenchmarks
{
    private EngagementEngine _engine = null!;
    private TrendQuery _trend = null!;
    private LifecycleQuery _lifecycle = null!;
    private RetentionQuery _retention = null!;

    [Params(10_000_000)]
    public int Events { get; set; }

    public int Users { get; set; } = 200_000;

    [GlobalSetup]
    public void Setup()
    {
        var zone = TimeZoneParser.Parse("Asia/Kolkata");
        var start = BenchmarkData.Start;
        _trend = new TrendQuery { BotId = BenchmarkData.Bot, StartDate = start, EndDate = start.AddDays(29), TimeZone = zone, Aggregation = TrendAggregation.Hourly };
        _lifecycle = new LifecycleQuery { BotId = BenchmarkData.Bot, StartDate = start, EndDate = start.AddDays(29), TimeZone = zone };
        _retention = new RetentionQuery { BotId = BenchmarkData.Bot, StartDate = start, EndDate = start.AddDays(29), TimeZone = zone, Interval = RetentionInterval.Day, Periods = 8 };

        // The trend benchmark's events (same seed, same draws): user messages on one channel, without ids.
        var (ticks, users) = BenchmarkData.Generate(Events, Users);
        var userIds = Enumerable.Range(0, Users).Select(u => "user-" + u).ToArray();
        var store = new InMemoryInteractionStore();
        var batch = new List<InteractionEvent>(1_000_000);
        for (var i = 0; i < ticks.Length; i++)
        {
            batch.Add(new InteractionEvent { BotId = BenchmarkData.Bot, UserId = userIds[users[i]], Timestamp = new DateTimeOffset(ticks[i], TimeSpan.Zero), Kind = InteractionKind.MessageIn, Channel = "rtm" });
            if (batch.Count == batch.Capacity)
            {
                store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
                batch.Clear();
            }
        }

        store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
        _engine = new EngagementEngine(store);
    }

    [Benchmark(Baseline = true, Description = "Trend: hourly v2 trend (baseline)")]
    public int TrendHourly() => _engine.GetTrendAsync(_trend).AsTask().GetAwaiter().GetResult().Summary.UniqueUsers;

    [Benchmark(Description = "Lifecycle: day buckets")]
    public int LifecycleDay() => Sum(_engine.GetLifecycleAsync(_lifecycle).AsTask().GetAwaiter().GetResult());

    [Benchmark(Description = "Lifecycle: hour buckets")]
    public int LifecycleHour() => Sum(_engine.GetLifecycleAsync(_lifecycle with { Aggregation = LifecycleAggregation.Hour }).AsTask().GetAwaiter().GetResult());

    [Benchmark(Description = "Retention: day cohorts, 8 periods")]
    public int RetentionDay() => _engine.GetRetentionAsync(_retention).AsTask().GetAwaiter().GetResult().Cohorts.Sum(c => c.Retained[^1]);

    private static int Sum(LifecycleReport report) => report.Buckets.Sum(b => b.Returning + b.Dormant);
}
