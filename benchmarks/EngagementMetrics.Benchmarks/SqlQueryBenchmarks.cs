using System.Globalization;
using BenchmarkDotNet.Attributes;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Trends;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// The query path of each store side by side: the same hourly v2 trend (the engine's <c>GetTrendAsync</c>, Asia/Kolkata,
/// the 30 days from 2025-06-01, no filter) over the same realistic log (<see cref="IngestData"/>, 1M events by default,
/// ingested through <see cref="IngestPaths.IngestFileAsync"/>), answered from the in-memory store (the baseline),
/// SQLite and PostgreSQL. The ratio column is each store's time over the in-memory store's; the allocated column is
/// per query. The query names the log's largest bot (st-support, half of the events).
/// </summary>
/// <remarks>
/// The in-memory store is filled in the setup of each run (about a second). The SQLite file
/// (<c>$EM_BENCH_DIR/query-N.db</c>) and the PostgreSQL schema (<c>bench_query_N</c>) are filled once and kept between
/// runs; before measuring, each store's trend is compared with the in-memory store's, and a store that does not answer
/// the same (a partial ingest, or a layout from an earlier build) is rebuilt. <c>EM_QUERY_EVENTS</c> overrides the
/// size (e.g. <c>20000</c> for a smoke test). Without <c>EM_POSTGRES_CONNECTION</c> the PostgreSQL benchmark is left
/// out (Program.cs filters category PostgreSQL).
/// </remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class SqlQueryBenchmarks
{
    private QueryFixture _fixture = null!;
    private EngagementEngine _sqliteEngine = null!;
    private EngagementEngine _sqliteColdEngine = null!;
    private EngagementEngine _postgresColdEngine = null!;
    private EngagementEngine _postgresEngine = null!;
    private PostgreSqlInteractionStore? _postgres;
    private PostgreSqlInteractionStore? _postgresCold;

    /// <summary>Events in the log: 1,000,000, or <c>EM_QUERY_EVENTS</c>.</summary>
    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    /// <summary>The sizes to run: <c>EM_QUERY_EVENTS</c> (comma separated) when set, else 1,000,000.</summary>
    public static IEnumerable<int> EventCounts() => IngestData.CountsFromEnvironment("EM_QUERY_EVENTS", [1_000_000]);

    [GlobalSetup(Target = nameof(InMemoryStore))]
    public void SetupInMemory() => _fixture = new QueryFixture(Events);

    [GlobalSetup(Targets = [nameof(SqliteStore), nameof(SqliteStoreUncached)])]
    public void SetupSqlite()
    {
        _fixture = new QueryFixture(Events);
        Directory.CreateDirectory(SqlBench.Directory);
        var path = SqlitePath(Events);
        var store = KeptSqlite(_fixture, Events);
        _sqliteEngine = new EngagementEngine(store);

        // The same file through a store whose query cache is off: every query reads and decodes its blobs.
        _sqliteColdEngine = _fixture.Checked("SQLite, query cache off", new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={path}", QueryCacheBytes = 0 }));
    }

    [GlobalSetup(Targets = [nameof(PostgreSqlStore), nameof(PostgreSqlStoreUncached)])]
    public void SetupPostgres()
    {
        _fixture = new QueryFixture(Events);
        _postgres = KeptPostgres(_fixture, Events);
        _postgresEngine = new EngagementEngine(_postgres);
        _postgresCold = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = PostgresSchema(Events), QueryCacheBytes = 0 });
        _postgresColdEngine = _fixture.Checked("PostgreSQL, query cache off", _postgresCold);
    }

    internal static string SqlitePath(int events) => Path.Combine(SqlBench.Directory, string.Create(CultureInfo.InvariantCulture, $"query-{events}.db"));

    /// <summary>The SQLite store of the query benchmarks, <c>$EM_BENCH_DIR/query-N.db</c> (kept between runs).</summary>
    internal static SqliteInteractionStore KeptSqlite(QueryFixture fixture, int events)
    {
        Directory.CreateDirectory(SqlBench.Directory);
        var path = SqlitePath(events);
        return fixture.Kept("SQLite", () => new SqliteInteractionStore($"Data Source={path}"), _ =>
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        });
    }

    internal static string PostgresSchema(int events) => string.Create(CultureInfo.InvariantCulture, $"bench_query_{events}");

    /// <summary>The single-server PostgreSQL store of the query benchmarks, schema <c>bench_query_N</c> (kept between runs).</summary>
    internal static PostgreSqlInteractionStore KeptPostgres(QueryFixture fixture, int events)
    {
        var schema = PostgresSchema(events);
        return fixture.Kept("PostgreSQL", () => new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = schema }), store =>
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            SqlBench.DropSchema(SqlBench.PostgresConnection, schema);
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _postgres?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _postgresCold?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _postgres = _postgresCold = null;
        SqliteConnection.ClearAllPools();
    }

    [Benchmark(Baseline = true, Description = "in-memory store: hourly v2 trend")]
    public int InMemoryStore() => _fixture.Trend(_fixture.InMemory);

    [Benchmark(Description = "SQLite store: hourly v2 trend")]
    public int SqliteStore() => _fixture.Trend(_sqliteEngine);

    [Benchmark(Description = "SQLite store, query cache off: hourly v2 trend")]
    public int SqliteStoreUncached() => _fixture.Trend(_sqliteColdEngine);

    [Benchmark(Description = "PostgreSQL store: hourly v2 trend")]
    [BenchmarkCategory("PostgreSQL")]
    public int PostgreSqlStore() => _fixture.Trend(_postgresEngine);

    [Benchmark(Description = "PostgreSQL store, query cache off: hourly v2 trend")]
    [BenchmarkCategory("PostgreSQL")]
    public int PostgreSqlStoreUncached() => _fixture.Trend(_postgresColdEngine);
}
