using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Npgsql;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// The sharded deployment of the benchmarks: the coordinator <c>EM_POSTGRES_SHARDED_CONNECTION</c> and the shards
/// <c>EM_POSTGRES_SHARD_CONNECTIONS</c> ('|' between them), as <c>.ci/postgres.sh</c>'s start_postgres_shards starts them.
/// </summary>
internal static class ShardedBench
{
    /// <summary>The category of every benchmark that needs the sharded servers (left out without them, see Program.cs).</summary>
    public const string Category = "Sharded";

    public static bool HasServers =>
        Environment.GetEnvironmentVariable("EM_POSTGRES_SHARDED_CONNECTION") is { Length: > 0 } && Environment.GetEnvironmentVariable("EM_POSTGRES_SHARD_CONNECTIONS") is { Length: > 0 };

    public static string Coordinator => Environment.GetEnvironmentVariable("EM_POSTGRES_SHARDED_CONNECTION") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("The sharded benchmarks need EM_POSTGRES_SHARDED_CONNECTION and EM_POSTGRES_SHARD_CONNECTIONS; see docs/scale-out.md.");

    public static IReadOnlyList<string> Shards => (Environment.GetEnvironmentVariable("EM_POSTGRES_SHARD_CONNECTIONS") ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Creates the sharded tables in <paramref name="schema"/> (one partition per shard, the script's defaults).</summary>
    public static void Create(string schema) => Script(schema).ApplyAsync(Coordinator).GetAwaiter().GetResult();

    /// <summary>Drops what <see cref="Create"/> made: the schema on every server, and the coordinator's foreign servers.</summary>
    public static void Drop(string schema)
    {
        SqlBench.DropSchema(Coordinator, schema);
        foreach (var server in Script(schema).ServerNames)
        {
            using var connection = new NpgsqlConnection(Coordinator);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SERVER IF EXISTS {server} CASCADE", connection);
            drop.ExecuteNonQuery();
        }

        foreach (var shard in Shards)
        {
            SqlBench.DropSchema(shard, schema);
        }
    }

    private static PostgreSqlShardingScript Script(string schema)
    {
        var options = new PostgreSqlShardingOptions { Schema = schema };
        foreach (var shard in Shards)
        {
            options.Shards.Add(shard);
        }

        return new PostgreSqlShardingScript(options);
    }

    public static PostgreSqlInteractionStore Store(string schema, long queryCacheBytes = PostgreSqlStoreOptions.DefaultQueryCacheBytes) =>
        new(new PostgreSqlStoreOptions { ConnectionString = Coordinator, Schema = schema, Layout = PostgreSqlLayout.Sharded, QueryCacheBytes = queryCacheBytes });
}

/// <summary>
/// Ingest of the realistic JSON Lines log (<see cref="IngestData"/>, 1M events) through the coordinator of a sharded
/// deployment (two shards, one hash partition each), against the single-server PostgreSQL store in the same run (the
/// baseline), both end to end from the file as <c>engagement ingest</c> does (<see cref="IngestPaths.IngestFileAsync"/>).
/// Every iteration starts from new, empty tables (a new schema; on the coordinator and shards a new deployment by
/// <see cref="PostgreSqlShardingScript"/>), dropped after it; creating them is not measured. The target of issue 16:
/// the coordinator at least 0.7x the single server's events/s.
/// </summary>
/// <remarks>Sizes: <c>EM_SHARDED_EVENTS</c> (default 1,000,000). Job: <see cref="IngestColumns"/> (1 warm-up, 3 iterations).</remarks>
[MemoryDiagnoser]
[MedianColumn, CategoriesColumn]
[Config(typeof(IngestColumns))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[BenchmarkCategory(ShardedBench.Category, "PostgreSQL")]
public class ShardedIngestBenchmarks
{
    private string _file = string.Empty;
    private string? _schema;
    private bool _sharded;
    private PostgreSqlInteractionStore? _store;
    private long _stored = -1;

    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    public static IEnumerable<int> EventCounts() => IngestData.CountsFromEnvironment("EM_SHARDED_EVENTS", [1_000_000]);

    [GlobalSetup]
    public void SetupFile() => _file = IngestData.EnsureFile(Events);

    [IterationSetup(Target = nameof(SingleServer))]
    public void NewSingleServerStore()
    {
        _schema = "fs_" + Guid.NewGuid().ToString("N")[..16];
        _sharded = false;
        _store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = _schema });
        _store.EnsureSchemaAsync().AsTask().GetAwaiter().GetResult();
    }

    [IterationSetup(Target = nameof(Coordinator))]
    public void NewShardedStore()
    {
        _schema = "fs_" + Guid.NewGuid().ToString("N")[..16];
        _sharded = true;
        ShardedBench.Create(_schema);
        _store = ShardedBench.Store(_schema);
        _store.EnsureSchemaAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "single server: JSON Lines file -> PostgreSqlInteractionStore")]
    public long SingleServer() => Ingest();

    [Benchmark(Description = "coordinator + 2 shards (postgres_fdw): JSON Lines file -> PostgreSqlInteractionStore")]
    public long Coordinator() => Ingest();

    /// <summary>Checks that the iteration stored every event, then drops its tables.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        try
        {
            SqlBench.CheckStored(_stored, Events);
        }
        finally
        {
            _stored = -1;
            _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _store = null;
            if (_schema is not null)
            {
                if (_sharded)
                {
                    ShardedBench.Drop(_schema);
                }
                else
                {
                    SqlBench.DropSchema(SqlBench.PostgresConnection, _schema);
                }

                _schema = null;
            }
        }
    }

    private long Ingest() => _stored = SqlBench.IngestWhole(_file, _store!);
}

/// <summary>
/// The hourly v2 trend of one bot (<see cref="QueryFixture"/>: st-support, 502,320 events of the 1M-event log, Asia/Kolkata,
/// 30 days) through the coordinator of a sharded deployment (two shards, one hash partition each), against the same
/// trend from the single-server PostgreSQL store in the same run (the baseline). Both stores are filled once and kept
/// (schemas <c>bench_query_N</c> on the single server, as <see cref="SqlQueryBenchmarks"/>, and <c>bench_sharded_N</c> on
/// the coordinator and shards), checked against the in-memory store before measuring. The target of issue 16: within
/// 1.5x of the single server.
/// </summary>
/// <remarks>Size: <c>EM_QUERY_EVENTS</c> (default 1,000,000).</remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[BenchmarkCategory(ShardedBench.Category, "PostgreSQL")]
public class ShardedQueryBenchmarks
{
    private QueryFixture _fixture = null!;
    private PostgreSqlInteractionStore? _single;
    private PostgreSqlInteractionStore? _sharded;
    private PostgreSqlInteractionStore? _singleCold;
    private PostgreSqlInteractionStore? _shardedCold;
    private EngagementEngine _singleEngine = null!;
    private EngagementEngine _shardedEngine = null!;
    private EngagementEngine _singleColdEngine = null!;
    private EngagementEngine _shardedColdEngine = null!;

    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    public static IEnumerable<int> EventCounts() => SqlQueryBenchmarks.EventCounts();

    [GlobalSetup(Targets = [nameof(SingleServer), nameof(SingleServerUncached)])]
    public void SetupSingle()
    {
        _fixture = new QueryFixture(Events);
        _single = SqlQueryBenchmarks.KeptPostgres(_fixture, Events);
        _singleEngine = new EngagementEngine(_single);
        _singleCold = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = SqlQueryBenchmarks.PostgresSchema(Events), QueryCacheBytes = 0 });
        _singleColdEngine = _fixture.Checked("single server, query cache off", _singleCold);
    }

    [GlobalSetup(Targets = [nameof(Coordinator), nameof(CoordinatorUncached)])]
    public void SetupSharded()
    {
        _fixture = new QueryFixture(Events);
        _sharded = KeptSharded(_fixture, Events);
        _shardedEngine = new EngagementEngine(_sharded);
        _shardedCold = ShardedBench.Store(ShardedSchema(Events), queryCacheBytes: 0);
        _shardedColdEngine = _fixture.Checked("coordinator, query cache off", _shardedCold);
    }

    internal static string ShardedSchema(int events) => string.Create(CultureInfo.InvariantCulture, $"bench_sharded_{events}");

    /// <summary>The sharded store of the query benchmarks, schema <c>bench_sharded_N</c> on the three servers (kept between runs).</summary>
    internal static PostgreSqlInteractionStore KeptSharded(QueryFixture fixture, int events)
    {
        var schema = ShardedSchema(events);
        return fixture.Kept(
            "PostgreSQL sharded",
            () =>
            {
                using (var connection = new NpgsqlConnection(ShardedBench.Coordinator))
                {
                    connection.Open();
                    using var exists = new NpgsqlCommand($"SELECT to_regclass('{schema}.em_bots') IS NOT NULL", connection);
                    if (!(bool)exists.ExecuteScalar()!)
                    {
                        ShardedBench.Create(schema);
                    }
                }

                return ShardedBench.Store(schema);
            },
            store =>
            {
                store.DisposeAsync().AsTask().GetAwaiter().GetResult();
                ShardedBench.Drop(schema);
            });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var store in new[] { _single, _sharded, _singleCold, _shardedCold })
        {
            store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _single = _sharded = _singleCold = _shardedCold = null;
    }

    [Benchmark(Baseline = true, Description = "single server: hourly v2 trend of one bot")]
    public int SingleServer() => _fixture.Trend(_singleEngine);

    [Benchmark(Description = "coordinator + 2 shards (postgres_fdw): hourly v2 trend of one bot")]
    public int Coordinator() => _fixture.Trend(_shardedEngine);

    [Benchmark(Description = "single server, query cache off: hourly v2 trend of one bot")]
    public int SingleServerUncached() => _fixture.Trend(_singleColdEngine);

    [Benchmark(Description = "coordinator + 2 shards, query cache off: hourly v2 trend of one bot")]
    public int CoordinatorUncached() => _fixture.Trend(_shardedColdEngine);
}
