using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// The query of <see cref="SqlQueryBenchmarks"/> on a live bot: before every query (not measured) one event of a new
/// user is appended to the queried bot, on the last UTC day the query reads but after the period's end, so the answer
/// stays the in-memory store's while the store must notice the change. With the query cache on (every store here has
/// the default), that query reads the period's segment list, the changed day and the first-seen pages again, and
/// takes the other days from the cache. One query per iteration.
/// </summary>
/// <remarks>
/// The kept stores keep the appended events (one per iteration, at 2025-06-30 20:00 UTC or later): they do not change
/// the benchmark's answer, so later runs reuse the stores.
/// </remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[Config(typeof(OneQueryPerIteration))]
public class QueryAfterAppendBenchmarks
{
    private QueryFixture _fixture = null!;
    private IInteractionStore _store = null!;
    private EngagementEngine _engine = null!;
    private int _appended;

    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    public static IEnumerable<int> EventCounts() => SqlQueryBenchmarks.EventCounts();

    [GlobalSetup(Target = nameof(InMemoryStore))]
    public void SetupInMemory()
    {
        _fixture = new QueryFixture(Events);
        _engine = _fixture.InMemory;
        _store = _fixture.InMemoryStore;
    }

    [GlobalSetup(Target = nameof(SqliteStore))]
    public void SetupSqlite() => Use(f => SqlQueryBenchmarks.KeptSqlite(f, Events));

    [GlobalSetup(Target = nameof(PostgreSqlStore))]
    public void SetupPostgres() => Use(f => SqlQueryBenchmarks.KeptPostgres(f, Events));

    [GlobalSetup(Target = nameof(Coordinator))]
    public void SetupSharded() => Use(f => ShardedQueryBenchmarks.KeptSharded(f, Events));

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_store is IAsyncDisposable disposable)
        {
            disposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>One event of a new user, after the period's end (2025-06-30 18:30 UTC) on the period's last UTC day.</summary>
    [IterationSetup]
    public void AppendOne()
    {
        var id = Guid.NewGuid().ToString("N");
        var at = new DateTimeOffset(2025, 6, 30, 20, 0, 0, TimeSpan.Zero).AddSeconds(_appended++);
        var result = _store.AppendAsync([new InteractionEvent { BotId = QueryFixture.Bot, UserId = "live-" + id, ConversationId = "live-" + id, Channel = "rtm", Kind = InteractionKind.MessageIn, Timestamp = at, EventId = "live-" + id }])
            .AsTask().GetAwaiter().GetResult();
        if (result.Stored != 1)
        {
            throw new InvalidOperationException($"The live append stored {result.Stored} events.");
        }
    }

    [Benchmark(Baseline = true, Description = "in-memory store: hourly v2 trend after an append")]
    public int InMemoryStore() => _fixture.Trend(_engine);

    [Benchmark(Description = "SQLite store: hourly v2 trend after an append")]
    public int SqliteStore() => _fixture.Trend(_engine);

    [Benchmark(Description = "PostgreSQL store: hourly v2 trend after an append")]
    [BenchmarkCategory("PostgreSQL")]
    public int PostgreSqlStore() => _fixture.Trend(_engine);

    [Benchmark(Description = "coordinator + 2 shards: hourly v2 trend after an append")]
    [BenchmarkCategory("PostgreSQL", ShardedBench.Category)]
    public int Coordinator() => _fixture.Trend(_engine);

    private void Use(Func<QueryFixture, IInteractionStore> kept)
    {
        _fixture = new QueryFixture(Events);
        _store = kept(_fixture);
        _engine = new EngagementEngine(_store);
    }

    // One invocation per iteration, so every query follows an append; 5 warm-ups, 25 measured.
    private sealed class OneQueryPerIteration : ManualConfig
    {
        public OneQueryPerIteration() =>
            AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(5).WithIterationCount(25).WithLaunchCount(1));
    }
}
