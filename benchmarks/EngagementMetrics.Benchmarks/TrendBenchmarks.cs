using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// The hourly v2 trend over 10M events, 200k users and 30 days in Asia/Kolkata: the engine (through the in-memory
/// store, as a host app calls it) against the straightforward LINQ a developer would write.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class TrendBenchmarks
{
    private const string Bot = "bench";
    private EngagementEngine _engine = null!;
    private InMemoryInteractionStore _store = null!;
    private TrendQuery _query = null!;
    private (long Ticks, int User)[] _rows = null!;
    private long[] _firstSeen = null!;
    private TimeZoneInfo _zone = null!;

    [Params(10_000_000)]
    public int Events { get; set; }

    public int Users { get; set; } = 200_000;

    [GlobalSetup]
    public void Setup()
    {
        _zone = TimeZoneParser.Parse("Asia/Kolkata");
        var start = new DateOnly(2025, 6, 1);
        _query = new TrendQuery { BotId = Bot, StartDate = start, EndDate = start.AddDays(29), TimeZone = _zone, Aggregation = TrendAggregation.Hourly };

        // Events spread over the 30 local days, users drawn uniformly; time-ordered as a live bot produces them.
        var random = new Random(12345);
        var from = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(5.5)).UtcTicks;
        var span = TimeSpan.FromDays(30).Ticks;
        var ticks = new long[Events];
        for (var i = 0; i < ticks.Length; i++)
        {
            ticks[i] = from + random.NextInt64(span);
        }

        Array.Sort(ticks);
        _rows = new (long, int)[Events];
        _firstSeen = new long[Users];
        Array.Fill(_firstSeen, long.MaxValue);
        var userIds = Enumerable.Range(0, Users).Select(u => "user-" + u).ToArray();
        var store = new InMemoryInteractionStore();
        var batch = new List<InteractionEvent>(1_000_000);
        for (var i = 0; i < ticks.Length; i++)
        {
            var user = random.Next(Users);
            _rows[i] = (ticks[i], user);
            _firstSeen[user] = Math.Min(_firstSeen[user], ticks[i]);
            batch.Add(new InteractionEvent { BotId = Bot, UserId = userIds[user], Timestamp = new DateTimeOffset(ticks[i], TimeSpan.Zero), Kind = InteractionKind.MessageIn, Channel = "rtm" });
            if (batch.Count == batch.Capacity)
            {
                store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
                batch.Clear();
            }
        }

        store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
        _engine = new EngagementEngine(store);
        _store = store;
    }

    [Benchmark(Baseline = true, Description = "LINQ GroupBy + Distinct, TimeZoneInfo per event")]
    public int LinqBaseline()
    {
        var zone = _zone;
        var firstSeen = _firstSeen;
        var buckets = _rows
            .Select(r => (Hour: Truncate(TimeZoneInfo.ConvertTimeFromUtc(new DateTime(r.Ticks, DateTimeKind.Utc), zone)), r.User))
            .GroupBy(r => r.Hour)
            .Select(g => new
            {
                g.Key,
                Unique = g.Select(r => r.User).Distinct().Count(),
                New = g.Select(r => r.User).Distinct().Count(u => Truncate(TimeZoneInfo.ConvertTimeFromUtc(new DateTime(firstSeen[u], DateTimeKind.Utc), zone)) == g.Key),
            })
            .ToList();
        var periodUnique = _rows.Select(r => r.User).Distinct().Count();
        return buckets.Sum(b => b.Unique + b.New) + periodUnique;
    }

    [Benchmark(Description = "Engine: hourly v2 trend via in-memory store")]
    public int Engine()
    {
        var trend = _engine.GetTrendAsync(_query).AsTask().GetAwaiter().GetResult();
        return trend.Summary.UniqueUsers;
    }

    /// <summary>The floor: the same scan of the store, only summing the user column (no bucketing, no per-user state).</summary>
    [Benchmark(Description = "Floor: scan the store and sum user ordinals")]
    public long ScanFloor() => ScanFloorAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<long> ScanFloorAsync()
    {
        var sum = 0L;
        await using var snapshot = (await _store.OpenSnapshotAsync(Bot))!;
        await foreach (var batch in snapshot.ScanAsync(long.MinValue, long.MaxValue))
        {
            var ticks = batch.UtcTicks.Span;
            var users = batch.Users.Span;
            for (var i = 0; i < users.Length; i++)
            {
                sum += users[i] + (ticks[i] & 1);
            }
        }

        return sum;
    }

    private static DateTime Truncate(DateTime local) => new(local.Year, local.Month, local.Day, local.Hour, 0, 0);
}
