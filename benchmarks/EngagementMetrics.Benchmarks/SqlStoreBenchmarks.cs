using System.Data.Common;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using EngagementMetrics.Engine;
using EngagementMetrics.Json;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Queries;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngagementMetrics.Benchmarks;

/// <summary>Where the SQL benchmarks keep their data: SQLite files under EM_BENCH_DIR, PostgreSQL at EM_POSTGRES_CONNECTION.</summary>
internal static class SqlBench
{
    public static string Directory => Environment.GetEnvironmentVariable("EM_BENCH_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "em-bench");

    public static bool HasPostgres => Environment.GetEnvironmentVariable("EM_POSTGRES_CONNECTION") is { Length: > 0 };

    /// <summary>True for a benchmark that needs the PostgreSQL server: category PostgreSQL, or parameter Store = postgres.</summary>
    public static bool NeedsPostgres(BenchmarkDotNet.Running.BenchmarkCase benchmark) =>
        benchmark.Descriptor.Categories.Contains("PostgreSQL", StringComparer.Ordinal)
        || benchmark.Parameters.Items.Any(p => p.Value is "postgres");

    public static string PostgresConnection => Environment.GetEnvironmentVariable("EM_POSTGRES_CONNECTION") is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException("The PostgreSQL benchmarks need EM_POSTGRES_CONNECTION (an Npgsql connection string); see docs/benchmarks/README.md.");

    public static async Task IngestAsync(IInteractionStore store, long[] ticks, int[] users, int batchSize)
    {
        foreach (var batch in BenchmarkData.Batches(ticks, users, batchSize))
        {
            await store.AppendAsync(batch);
        }
    }
}

/// <summary>
/// The hourly v2 trend over 10M events / 200k users / 30 days in Asia/Kolkata on each SQL store, against the plain SQL
/// a developer would write on the same database (GROUP BY the local hour, COUNT(DISTINCT user), first seen joined in).
/// The data is ingested once through the store and kept between runs (EM_BENCH_DIR, and schema bench_10m).
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn, CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SqlTrendBenchmarks
{
    private const int Events = 10_000_000;
    private const int Users = 200_000;
    private const string Schema = "bench_10m";

    // Events of the bot's user-activity kinds in the period, bucketed by the local hour; first seen over all history.
    private const string PostgresPlainSql = """
        WITH fs AS (
          SELECT user_id, min(ts) AS first_seen FROM bench_10m.em_events
          WHERE bot_id = @bot AND kind IN ('message_in', 'action_in', 'message_out', 'agent_message') GROUP BY user_id),
        ev AS (
          SELECT user_id, date_trunc('hour', ts AT TIME ZONE 'Asia/Kolkata') AS hour FROM bench_10m.em_events
          WHERE bot_id = @bot AND kind IN ('message_in', 'action_in', 'message_out', 'agent_message') AND ts >= @from AND ts < @to)
        SELECT ev.hour, count(DISTINCT ev.user_id),
               count(DISTINCT ev.user_id) FILTER (WHERE date_trunc('hour', fs.first_seen AT TIME ZONE 'Asia/Kolkata') = ev.hour)
        FROM ev JOIN fs USING (user_id) GROUP BY ev.hour ORDER BY ev.hour;
        WITH fs AS (
          SELECT user_id, min(ts) AS first_seen FROM bench_10m.em_events
          WHERE bot_id = @bot AND kind IN ('message_in', 'action_in', 'message_out', 'agent_message') GROUP BY user_id)
        SELECT count(DISTINCT e.user_id), count(DISTINCT e.user_id) FILTER (WHERE fs.first_seen >= @from)
        FROM bench_10m.em_events e JOIN fs USING (user_id)
        WHERE e.bot_id = @bot AND e.kind IN ('message_in', 'action_in', 'message_out', 'agent_message') AND e.ts >= @from AND e.ts < @to;
        """;

    // SQLite has no time zones: the developer adds Kolkata's fixed +05:30 to the Unix time.
    private const string SqlitePlainSql = """
        WITH fs AS (
          SELECT user_id, min(ts_ticks) AS first_seen FROM em_events
          WHERE bot_id = @bot AND kind IN ('message_in', 'action_in', 'message_out', 'agent_message') GROUP BY user_id),
        ev AS (
          SELECT user_id, strftime('%Y-%m-%d %H', (ts_ticks - 621355968000000000) / 10000000, 'unixepoch', '+330 minutes') AS hour FROM em_events
          WHERE bot_id = @bot AND kind IN ('message_in', 'action_in', 'message_out', 'agent_message') AND ts_ticks >= @from AND ts_ticks < @to)
        SELECT ev.hour, count(DISTINCT ev.user_id),
               count(DISTINCT CASE WHEN strftime('%Y-%m-%d %H', (fs.first_seen - 621355968000000000) / 10000000, 'unixepoch', '+330 minutes') = ev.hour THEN ev.user_id END)
        FROM ev JOIN fs USING (user_id) GROUP BY ev.hour ORDER BY ev.hour;
        WITH fs AS (
          SELECT user_id, min(ts_ticks) AS first_seen FROM em_events
          WHERE bot_id = @bot AND kind IN ('message_in', 'action_in', 'message_out', 'agent_message') GROUP BY user_id)
        SELECT count(DISTINCT e.user_id), count(DISTINCT CASE WHEN fs.first_seen >= @from THEN e.user_id END)
        FROM em_events e JOIN fs USING (user_id)
        WHERE e.bot_id = @bot AND e.kind IN ('message_in', 'action_in', 'message_out', 'agent_message') AND e.ts_ticks >= @from AND e.ts_ticks < @to;
        """;

    private TrendQuery _query = null!;
    private long _fromTicks;
    private long _toTicks;
    private SqliteInteractionStore? _sqlite;
    private PostgreSqlInteractionStore? _postgres;
    private string _sqliteFile = string.Empty;

    [GlobalSetup(Targets = [nameof(SqlitePlain), nameof(SqliteStore)])]
    public void SetupSqlite()
    {
        SetupQuery();
        System.IO.Directory.CreateDirectory(SqlBench.Directory);
        _sqliteFile = Path.Combine(SqlBench.Directory, "bench-10m.db");
        _sqlite = new SqliteInteractionStore($"Data Source={_sqliteFile}");
        EnsureIngested(_sqlite, "SQLite");
    }

    [GlobalSetup(Targets = [nameof(PostgresPlain), nameof(PostgresStore)])]
    public void SetupPostgres()
    {
        SetupQuery();
        _postgres = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = Schema });
        EnsureIngested(_postgres, "PostgreSQL");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _postgres?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
    }

    [Benchmark(Baseline = true, Description = "plain SQL: GROUP BY local hour, COUNT(DISTINCT), first-seen join")]
    [BenchmarkCategory("SQLite")]
    public long SqlitePlain()
    {
        using var connection = new SqliteConnection($"Data Source={_sqliteFile}");
        connection.Open();
        return RunPlain(connection, SqlitePlainSql, _fromTicks, _toTicks);
    }

    [Benchmark(Description = "store + engine: hourly v2 trend document")]
    [BenchmarkCategory("SQLite")]
    public int SqliteStore() => Trend(_sqlite!);

    [Benchmark(Baseline = true, Description = "plain SQL: GROUP BY local hour, COUNT(DISTINCT), first-seen join")]
    [BenchmarkCategory("PostgreSQL")]
    public long PostgresPlain()
    {
        using var connection = new NpgsqlConnection(SqlBench.PostgresConnection);
        connection.Open();
        return RunPlain(connection, PostgresPlainSql, new DateTime(_fromTicks, DateTimeKind.Utc), new DateTime(_toTicks, DateTimeKind.Utc));
    }

    [Benchmark(Description = "store + engine: hourly v2 trend document")]
    [BenchmarkCategory("PostgreSQL")]
    public int PostgresStore() => Trend(_postgres!);

    private int Trend(IInteractionStore store)
    {
        var trend = new EngagementEngine(store).GetTrendAsync(_query).AsTask().GetAwaiter().GetResult();
        return KoreTrendJson.SerializeV2(trend).Length;
    }

    private static long RunPlain(DbConnection connection, string sql, object from, object to)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        foreach (var (name, value) in new[] { ("bot", (object)BenchmarkData.Bot), ("from", from), ("to", to) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        long checksum = 0;
        using var reader = command.ExecuteReader();
        do
        {
            while (reader.Read())
            {
                checksum += reader.GetInt64(1) + reader.GetInt64(reader.FieldCount - 1);
            }
        }
        while (reader.NextResult());

        return checksum;
    }

    private void SetupQuery()
    {
        var zone = TimeZoneParser.Parse("Asia/Kolkata");
        _query = new TrendQuery { BotId = BenchmarkData.Bot, StartDate = BenchmarkData.Start, EndDate = BenchmarkData.Start.AddDays(29), TimeZone = zone, Aggregation = TrendAggregation.Hourly };
        _fromTicks = new DateTimeOffset(BenchmarkData.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(5.5)).UtcTicks;
        _toTicks = _fromTicks + TimeSpan.FromDays(30).Ticks;
    }

    // Ingests the history once; later runs find it by the bot's event count.
    private static void EnsureIngested(IInteractionStore store, string name)
    {
        var snapshot = store.OpenSnapshotAsync(BenchmarkData.Bot).AsTask().GetAwaiter().GetResult();
        if (snapshot is not null)
        {
            snapshot.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var trend = new EngagementEngine(store).GetTrendAsync(new TrendQuery { BotId = BenchmarkData.Bot, StartDate = BenchmarkData.Start.AddDays(-1), EndDate = BenchmarkData.Start.AddDays(31), TimeZone = TimeZoneInfo.Utc, Aggregation = TrendAggregation.Daily }).AsTask().GetAwaiter().GetResult();
            var count = trend.Summary.UniqueUsers;
            if (count == Users)
            {
                Console.WriteLine($"// {name}: reusing the ingested history ({count} users)");
                return;
            }

            throw new InvalidOperationException($"{name} holds a partial benchmark history ({count} users); delete it (the file under {SqlBench.Directory} or schema {Schema}) and run again.");
        }

        var (ticks, users) = BenchmarkData.Generate(Events, Users);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        SqlBench.IngestAsync(store, ticks, users, 100_000).GetAwaiter().GetResult();
        Console.WriteLine($"// {name}: ingested {Events:N0} events in {watch.Elapsed.TotalSeconds:N1} s ({Events / watch.Elapsed.TotalSeconds:N0} events/s)");
    }
}

/// <summary>Ingest rate of each store: 200,000 events (4 batches of 50,000, ids on every event) into an empty store.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class IngestBenchmarks
{
    private const int Events = 200_000;
    private long[] _ticks = [];
    private int[] _users = [];
    private IInteractionStore _store = null!;
    private string? _schema;

    [Params("in-memory", "sqlite", "postgres")]
    public string Store { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup() => (_ticks, _users) = BenchmarkData.Generate(Events, 20_000);

    [IterationSetup]
    public void NewStore()
    {
        switch (Store)
        {
            case "in-memory":
                _store = new InMemory.InMemoryInteractionStore();
                break;
            case "sqlite":
                System.IO.Directory.CreateDirectory(SqlBench.Directory);
                _store = new SqliteInteractionStore($"Data Source={Path.Combine(SqlBench.Directory, "ingest-" + Guid.NewGuid().ToString("N") + ".db")}");
                break;
            default:
                _schema = "bi_" + Guid.NewGuid().ToString("N");
                _store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = _schema });
                break;
        }

        // Schema creation is not part of the ingest rate.
        switch (_store)
        {
            case SqliteInteractionStore sqlite:
                sqlite.EnsureSchemaAsync().AsTask().GetAwaiter().GetResult();
                break;
            case PostgreSqlInteractionStore postgres:
                postgres.EnsureSchemaAsync().AsTask().GetAwaiter().GetResult();
                break;
        }
    }

    [IterationCleanup]
    public void DropStore()
    {
        if (_store is PostgreSqlInteractionStore postgres)
        {
            using (var connection = new NpgsqlConnection(SqlBench.PostgresConnection))
            {
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
                drop.ExecuteNonQuery();
            }

            postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in System.IO.Directory.Exists(SqlBench.Directory) ? System.IO.Directory.GetFiles(SqlBench.Directory, "ingest-*") : [])
        {
            File.Delete(file);
        }
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "append 200k events (4 batches of 50k); time per event")]
    public void Append() => SqlBench.IngestAsync(_store, _ticks, _users, 50_000).GetAwaiter().GetResult();
}
