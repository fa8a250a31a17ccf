using System.Globalization;
using BenchmarkDotNet.Attributes;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
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
    /// <summary>The bot queried: the largest of the log's three.</summary>
    public const string Bot = "st-support";

    private string _file = string.Empty;
    private TrendQuery _query = null!;
    private string _expected = string.Empty;
    private EngagementEngine _inMemory = null!;
    private EngagementEngine _sqliteEngine = null!;
    private EngagementEngine _postgresEngine = null!;
    private PostgreSqlInteractionStore? _postgres;

    /// <summary>Events in the log: 1,000,000, or <c>EM_QUERY_EVENTS</c>.</summary>
    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    /// <summary>The sizes to run: <c>EM_QUERY_EVENTS</c> (comma separated) when set, else 1,000,000.</summary>
    public static IEnumerable<int> EventCounts() => IngestData.CountsFromEnvironment("EM_QUERY_EVENTS", [1_000_000]);

    [GlobalSetup(Target = nameof(InMemoryStore))]
    public void SetupInMemory() => SetupBaseline();

    [GlobalSetup(Target = nameof(SqliteStore))]
    public void SetupSqlite()
    {
        SetupBaseline();
        Directory.CreateDirectory(SqlBench.Directory);
        var path = Path.Combine(SqlBench.Directory, string.Create(CultureInfo.InvariantCulture, $"query-{Events}.db"));
        var store = new SqliteInteractionStore($"Data Source={path}");
        if (!Answers(store, "SQLite"))
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            store = new SqliteInteractionStore($"Data Source={path}");
            Ingest(store, "SQLite");
        }

        _sqliteEngine = new EngagementEngine(store);
    }

    [GlobalSetup(Target = nameof(PostgreSqlStore))]
    public void SetupPostgres()
    {
        SetupBaseline();
        var schema = string.Create(CultureInfo.InvariantCulture, $"bench_query_{Events}");
        _postgres = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = schema });
        if (!Answers(_postgres, "PostgreSQL"))
        {
            _postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
            using (var connection = new NpgsqlConnection(SqlBench.PostgresConnection))
            {
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
                drop.ExecuteNonQuery();
            }

            _postgres = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = schema });
            Ingest(_postgres, "PostgreSQL");
        }

        _postgresEngine = new EngagementEngine(_postgres);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _postgres?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _postgres = null;
        SqliteConnection.ClearAllPools();
    }

    [Benchmark(Baseline = true, Description = "in-memory store: hourly v2 trend")]
    public int InMemoryStore() => Trend(_inMemory);

    [Benchmark(Description = "SQLite store: hourly v2 trend")]
    public int SqliteStore() => Trend(_sqliteEngine);

    [Benchmark(Description = "PostgreSQL store: hourly v2 trend")]
    [BenchmarkCategory("PostgreSQL")]
    public int PostgreSqlStore() => Trend(_postgresEngine);

    private int Trend(EngagementEngine engine) => engine.GetTrendAsync(_query).AsTask().GetAwaiter().GetResult().Summary.UniqueUsers;

    // The query, the log, and the in-memory store every SQL store must answer like.
    private void SetupBaseline()
    {
        _query = new TrendQuery
        {
            BotId = Bot,
            StartDate = new DateOnly(2025, 6, 1),
            EndDate = new DateOnly(2025, 6, 30),
            TimeZone = TimeZoneParser.Parse("Asia/Kolkata"),
            Aggregation = TrendAggregation.Hourly,
        };
        _file = IngestData.EnsureFile(Events);
        var store = new InMemoryInteractionStore();
        Ingest(store, "in-memory");
        _inMemory = new EngagementEngine(store);
        _expected = Document(_inMemory);
    }

    // True when the store already holds the log: it answers the query exactly as the in-memory store.
    private bool Answers(IInteractionStore store, string name)
    {
        try
        {
            if (Document(new EngagementEngine(store)) == _expected)
            {
                Console.WriteLine($"// {name}: reusing the ingested log ({Events:N0} events)");
                return true;
            }

            Console.WriteLine($"// {name}: the kept store does not answer like the in-memory store; rebuilding it");
        }
        catch (Exception ex) when (ex is BotNotFoundException or EngagementStoreException or SqliteException or NpgsqlException or InvalidDataException)
        {
            Console.WriteLine($"// {name}: no usable kept store ({ex.GetType().Name}: {ex.Message.Split('\n')[0]}); ingesting");
        }

        return false;
    }

    private void Ingest(IInteractionStore store, string name)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = IngestPaths.IngestFileAsync(_file, store).GetAwaiter().GetResult();
        Console.WriteLine($"// {name}: ingested {result} in {watch.Elapsed.TotalSeconds:N1} s");
        if (result.Stored != Events)
        {
            throw new InvalidOperationException($"{name}: stored {result.Stored} of {Events} events.");
        }

        if (_expected.Length > 0 && Document(new EngagementEngine(store)) != _expected)
        {
            throw new InvalidOperationException($"{name} answers the benchmark query differently from the in-memory store.");
        }
    }

    private string Document(EngagementEngine engine) => KoreTrendJson.SerializeV2(engine.GetTrendAsync(_query).AsTask().GetAwaiter().GetResult());
}
