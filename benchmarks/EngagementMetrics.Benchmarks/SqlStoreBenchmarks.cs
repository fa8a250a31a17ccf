using System.Data.Common;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using EngagementMetrics.Events;
using EngagementMetrics.Json;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
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

    /// <summary>Drops a schema (and everything in it) on the server of <paramref name="connectionString"/>.</summary>
    public static void DropSchema(string connectionString, string schema)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        drop.ExecuteNonQuery();
    }

    /// <summary>
    /// "Ours" of the file ingest benchmarks: the whole file into <paramref name="store"/>; the generated file has no bad or
    /// repeated event, so anything rejected or skipped fails the benchmark.
    /// </summary>
    /// <returns>The events stored.</returns>
    public static long IngestWhole(string file, IInteractionStore store)
    {
        var result = IngestPaths.IngestFileAsync(file, store).GetAwaiter().GetResult();
        if (result.Rejected != 0 || result.Duplicates != 0)
        {
            throw new InvalidOperationException($"Ingest of {file}: {result}; the generated file should have no bad or repeated events.");
        }

        return result.Stored;
    }

    /// <summary>An iteration's check: it stored every event.</summary>
    public static void CheckStored(long stored, int events)
    {
        if (stored != events)
        {
            throw new InvalidOperationException($"The iteration stored {stored} events, not {events}.");
        }
    }

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
/// </summary>
/// <remarks>
/// <para>The plain SQL runs on a table of its own in the same database, <c>plain_events</c>: one row per event with
/// every column of a plain events table (bot, sequence, event id, account, user, conversation, timestamp, kind,
/// channel and the optional flags, goal and tag) and the usual indexes (primary key <c>(bot_id, seq)</c>, unique
/// <c>(bot_id, event_id)</c>, <c>(bot_id, ts_ticks)</c>, <c>(bot_id, conversation_id)</c>), filled by the benchmark
/// from the very events the store ingests (a prepared INSERT in one transaction on SQLite, binary COPY on
/// PostgreSQL). The stores no longer keep a row per event (schema version 2), so the baseline brings its own.</para>
/// <para>Both are filled once and kept between runs (SQLite file <c>$EM_BENCH_DIR/bench-trend-N.db</c>, PostgreSQL
/// schema <c>bench_trend_N</c>); a store or table that does not hold the whole history is rebuilt.
/// <c>EM_TREND_EVENTS</c> overrides the 10M events (users: one per 50 events), e.g. <c>20000</c> for a smoke test; up
/// to 1M events the setup also checks that the plain SQL and the store give the same counts.</para>
/// </remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn, CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class SqlTrendBenchmarks
{
    private const string PlainTable = "plain_events";
    private const string UserActivityKinds = "('message_in', 'action_in', 'message_out', 'agent_message')";

    private static readonly string[] PlainColumns =
        ["bot_id", "seq", "event_id", "account_id", "user_id", "conversation_id", "ts_ticks", "kind", "channel", "intent_matched", "fallback", "goal", "error", "tag"];

    private TrendQuery _query = null!;
    private long _fromTicks;
    private long _toTicks;
    private long[] _ticks = [];
    private int[] _users = [];
    private SqliteInteractionStore? _sqlite;
    private PostgreSqlInteractionStore? _postgres;
    private string _sqliteFile = string.Empty;
    private string _postgresSql = string.Empty;

    /// <summary>Events in the history: 10,000,000, or <c>EM_TREND_EVENTS</c>.</summary>
    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    /// <summary>The sizes to run: <c>EM_TREND_EVENTS</c> (comma separated) when set, else 10,000,000.</summary>
    public static IEnumerable<int> EventCounts() => IngestData.CountsFromEnvironment("EM_TREND_EVENTS", [10_000_000]);

    private int Users => Math.Max(1, Events / 50);

    private string Schema => FormattableString.Invariant($"bench_trend_{Events}");

    // Events of the bot's user-activity kinds in the period, bucketed by the local hour; first seen over all history.
    private static string PostgresPlainSql(string table) => $"""
        WITH fs AS (
          SELECT user_id, min(ts) AS first_seen FROM {table}
          WHERE bot_id = @bot AND kind IN {UserActivityKinds} GROUP BY user_id),
        ev AS (
          SELECT user_id, date_trunc('hour', ts AT TIME ZONE 'Asia/Kolkata') AS hour FROM {table}
          WHERE bot_id = @bot AND kind IN {UserActivityKinds} AND ts >= @from AND ts < @to)
        SELECT ev.hour, count(DISTINCT ev.user_id),
               count(DISTINCT ev.user_id) FILTER (WHERE date_trunc('hour', fs.first_seen AT TIME ZONE 'Asia/Kolkata') = ev.hour)
        FROM ev JOIN fs USING (user_id) GROUP BY ev.hour ORDER BY ev.hour;
        WITH fs AS (
          SELECT user_id, min(ts) AS first_seen FROM {table}
          WHERE bot_id = @bot AND kind IN {UserActivityKinds} GROUP BY user_id)
        SELECT count(DISTINCT e.user_id), count(DISTINCT e.user_id) FILTER (WHERE fs.first_seen >= @from)
        FROM {table} e JOIN fs USING (user_id)
        WHERE e.bot_id = @bot AND e.kind IN {UserActivityKinds} AND e.ts >= @from AND e.ts < @to;
        """;

    // SQLite has no time zones: the developer adds Kolkata's fixed +05:30 to the Unix time.
    private static string SqlitePlainSql(string table) => $"""
        WITH fs AS (
          SELECT user_id, min(ts_ticks) AS first_seen FROM {table}
          WHERE bot_id = @bot AND kind IN {UserActivityKinds} GROUP BY user_id),
        ev AS (
          SELECT user_id, strftime('%Y-%m-%d %H', (ts_ticks - 621355968000000000) / 10000000, 'unixepoch', '+330 minutes') AS hour FROM {table}
          WHERE bot_id = @bot AND kind IN {UserActivityKinds} AND ts_ticks >= @from AND ts_ticks < @to)
        SELECT ev.hour, count(DISTINCT ev.user_id),
               count(DISTINCT CASE WHEN strftime('%Y-%m-%d %H', (fs.first_seen - 621355968000000000) / 10000000, 'unixepoch', '+330 minutes') = ev.hour THEN ev.user_id END)
        FROM ev JOIN fs USING (user_id) GROUP BY ev.hour ORDER BY ev.hour;
        WITH fs AS (
          SELECT user_id, min(ts_ticks) AS first_seen FROM {table}
          WHERE bot_id = @bot AND kind IN {UserActivityKinds} GROUP BY user_id)
        SELECT count(DISTINCT e.user_id), count(DISTINCT CASE WHEN fs.first_seen >= @from THEN e.user_id END)
        FROM {table} e JOIN fs USING (user_id)
        WHERE e.bot_id = @bot AND e.kind IN {UserActivityKinds} AND e.ts_ticks >= @from AND e.ts_ticks < @to;
        """;

    [GlobalSetup(Targets = [nameof(SqlitePlain), nameof(SqliteStore)])]
    public void SetupSqlite()
    {
        SetupQuery();
        System.IO.Directory.CreateDirectory(SqlBench.Directory);
        _sqliteFile = Path.Combine(SqlBench.Directory, FormattableString.Invariant($"bench-trend-{Events}.db"));
        // The query cache off: every query reads its segments, as the plain SQL reads its rows.
        _sqlite = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={_sqliteFile}", QueryCacheBytes = 0 });
        EnsureIngested(_sqlite, "SQLite");
        using var connection = OpenSqlite();
        EnsurePlainSqlite(connection);
        CheckPlain("SQLite", RunPlain(connection, SqlitePlainSql(PlainTable), _fromTicks, _toTicks), _sqlite);
    }

    [GlobalSetup(Targets = [nameof(PostgresPlain), nameof(PostgresStore)])]
    public void SetupPostgres()
    {
        SetupQuery();
        _postgres = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = Schema, QueryCacheBytes = 0 });
        EnsureIngested(_postgres, "PostgreSQL");
        _postgresSql = PostgresPlainSql($"{Schema}.{PlainTable}");
        using var connection = new NpgsqlConnection(SqlBench.PostgresConnection);
        connection.Open();
        EnsurePlainPostgres(connection);
        CheckPlain("PostgreSQL", RunPlain(connection, _postgresSql, new DateTime(_fromTicks, DateTimeKind.Utc), new DateTime(_toTicks, DateTimeKind.Utc)), _postgres);
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
        using var connection = OpenSqlite();
        return RunPlain(connection, SqlitePlainSql(PlainTable), _fromTicks, _toTicks);
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
        return RunPlain(connection, _postgresSql, new DateTime(_fromTicks, DateTimeKind.Utc), new DateTime(_toTicks, DateTimeKind.Utc));
    }

    [Benchmark(Description = "store + engine: hourly v2 trend document")]
    [BenchmarkCategory("PostgreSQL")]
    public int PostgresStore() => Trend(_postgres!);

    private int Trend(IInteractionStore store)
    {
        var trend = new EngagementEngine(store).GetTrendAsync(_query).AsTask().GetAwaiter().GetResult();
        return KoreTrendJson.SerializeV2(trend).Length;
    }

    // The checksum of both result sets: per hour unique + new, then twice the period's new users.
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

    // Up to 1M events the plain SQL is quick enough to check once: it must count what the store and engine count.
    private void CheckPlain(string name, long plain, IInteractionStore store)
    {
        if (Events > 1_000_000)
        {
            return;
        }

        var trend = new EngagementEngine(store).GetTrendAsync(_query).AsTask().GetAwaiter().GetResult();
        var expected = trend.Buckets.Sum(b => (long)b.UniqueUsers + b.NewUsers) + (2L * trend.Summary.NewUsers);
        if (plain != expected)
        {
            throw new InvalidOperationException($"{name}: the plain SQL counts {plain} where the store and engine count {expected}.");
        }

        Console.WriteLine($"// {name}: the plain SQL and the store give the same counts (checksum {plain})");
    }

    private SqliteConnection OpenSqlite()
    {
        var connection = new SqliteConnection($"Data Source={_sqliteFile}");
        connection.Open();
        return connection;
    }

    private void SetupQuery()
    {
        var zone = TimeZoneParser.Parse("Asia/Kolkata");
        _query = new TrendQuery { BotId = BenchmarkData.Bot, StartDate = BenchmarkData.Start, EndDate = BenchmarkData.Start.AddDays(29), TimeZone = zone, Aggregation = TrendAggregation.Hourly };
        _fromTicks = new DateTimeOffset(BenchmarkData.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(5.5)).UtcTicks;
        _toTicks = _fromTicks + TimeSpan.FromDays(30).Ticks;
        (_ticks, _users) = BenchmarkData.Generate(Events, Users);
    }

    // Ingests the history once; later runs find it by the bot's users (all of them, over a window that holds every event).
    private void EnsureIngested(IInteractionStore store, string name)
    {
        var expected = _users.Distinct().Count();
        var snapshot = store.OpenSnapshotAsync(BenchmarkData.Bot).AsTask().GetAwaiter().GetResult();
        if (snapshot is not null)
        {
            snapshot.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var trend = new EngagementEngine(store).GetTrendAsync(new TrendQuery { BotId = BenchmarkData.Bot, StartDate = BenchmarkData.Start.AddDays(-1), EndDate = BenchmarkData.Start.AddDays(31), TimeZone = TimeZoneInfo.Utc, Aggregation = TrendAggregation.Daily }).AsTask().GetAwaiter().GetResult();
            var count = trend.Summary.UniqueUsers;
            if (count == expected)
            {
                Console.WriteLine($"// {name}: reusing the ingested history ({count} users)");
                return;
            }

            throw new InvalidOperationException($"{name} holds a partial benchmark history ({count} of {expected} users); delete it (the file under {SqlBench.Directory} or schema {Schema}) and run again.");
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        SqlBench.IngestAsync(store, _ticks, _users, 100_000).GetAwaiter().GetResult();
        Console.WriteLine($"// {name}: ingested {Events:N0} events in {watch.Elapsed.TotalSeconds:N1} s ({Events / watch.Elapsed.TotalSeconds:N0} events/s)");
    }

    // The plain table's rows: the events of BenchmarkData.Batches, column by column.
    private IEnumerable<(long Seq, InteractionEvent Event)> PlainRows()
    {
        long seq = 0;
        foreach (var batch in BenchmarkData.Batches(_ticks, _users, 100_000))
        {
            foreach (var evt in batch)
            {
                yield return (seq++, evt);
            }
        }
    }

    private void EnsurePlainSqlite(SqliteConnection connection)
    {
        using (var exists = connection.CreateCommand())
        using (var count = connection.CreateCommand())
        {
            exists.CommandText = $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{PlainTable}'";
            count.CommandText = $"SELECT COUNT(*) FROM {PlainTable}";
            if ((long)exists.ExecuteScalar()! == 1 && (long)count.ExecuteScalar()! == Events)
            {
                Console.WriteLine($"// SQLite: reusing {PlainTable} ({Events:N0} rows)");
                return;
            }
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var transaction = connection.BeginTransaction())
        {
            using var create = connection.CreateCommand();
            create.Transaction = transaction;
            create.CommandText = $"""
                DROP TABLE IF EXISTS {PlainTable};
                CREATE TABLE {PlainTable} (bot_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT, account_id TEXT NOT NULL, user_id TEXT, conversation_id TEXT, ts_ticks INTEGER NOT NULL, kind TEXT NOT NULL, channel TEXT NOT NULL, intent_matched INTEGER, fallback INTEGER, goal TEXT, error INTEGER, tag TEXT, PRIMARY KEY (bot_id, seq)) WITHOUT ROWID;
                """;
            create.ExecuteNonQuery();

            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {PlainTable} ({string.Join(", ", PlainColumns)}) VALUES ({string.Join(", ", PlainColumns.Select(c => "@" + c))})";
            var p = PlainColumns.Select(c => insert.Parameters.AddWithValue("@" + c, DBNull.Value)).ToArray();
            insert.Prepare();
            foreach (var (seq, evt) in PlainRows())
            {
                p[0].Value = evt.BotId;
                p[1].Value = seq;
                p[2].Value = (object?)evt.EventId ?? DBNull.Value;
                p[3].Value = evt.AccountId ?? InteractionEvent.DefaultAccountId;
                p[4].Value = (object?)evt.UserId ?? DBNull.Value;
                p[5].Value = (object?)evt.ConversationId ?? DBNull.Value;
                p[6].Value = evt.Timestamp.UtcTicks;
                p[7].Value = evt.Kind.ToWireName();
                p[8].Value = evt.NormalizedChannel;
                p[9].Value = evt.IntentMatched is { } intent ? intent : DBNull.Value;
                p[10].Value = evt.Fallback is { } fallback ? fallback : DBNull.Value;
                p[11].Value = (object?)evt.Goal ?? DBNull.Value;
                p[12].Value = evt.Error is { } error ? error : DBNull.Value;
                p[13].Value = (object?)evt.Tag ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }

            // The usual indexes, built after the rows (the same indexes as built row by row, sooner).
            using var index = connection.CreateCommand();
            index.Transaction = transaction;
            index.CommandText = $"""
                CREATE UNIQUE INDEX {PlainTable}_event_id ON {PlainTable} (bot_id, event_id) WHERE event_id IS NOT NULL;
                CREATE INDEX {PlainTable}_time ON {PlainTable} (bot_id, ts_ticks);
                CREATE INDEX {PlainTable}_conversation ON {PlainTable} (bot_id, conversation_id) WHERE conversation_id IS NOT NULL;
                ANALYZE {PlainTable};
                """;
            index.ExecuteNonQuery();
            transaction.Commit();
        }

        Console.WriteLine($"// SQLite: filled {PlainTable} with {Events:N0} rows in {watch.Elapsed.TotalSeconds:N1} s");
    }

    private void EnsurePlainPostgres(NpgsqlConnection connection)
    {
        var table = $"{Schema}.{PlainTable}";
        using (var exists = new NpgsqlCommand($"SELECT to_regclass('{table}') IS NOT NULL", connection))
        using (var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection))
        {
            count.CommandTimeout = 0;
            if ((bool)exists.ExecuteScalar()! && (long)count.ExecuteScalar()! == Events)
            {
                Console.WriteLine($"// PostgreSQL: reusing {table} ({Events:N0} rows)");
                return;
            }
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var create = new NpgsqlCommand(
            $"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            DROP TABLE IF EXISTS {table};
            CREATE TABLE {table} (bot_id text NOT NULL, seq bigint NOT NULL, event_id text, account_id text NOT NULL, user_id text, conversation_id text, ts timestamptz NOT NULL, ts_ticks bigint NOT NULL, kind text NOT NULL, channel text NOT NULL, intent_matched boolean, fallback boolean, goal text, error boolean, tag text);
            """,
            connection))
        {
            create.ExecuteNonQuery();
        }

        using (var importer = connection.BeginBinaryImport($"COPY {table} (bot_id, seq, event_id, account_id, user_id, conversation_id, ts, ts_ticks, kind, channel, intent_matched, fallback, goal, error, tag) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (seq, evt) in PlainRows())
            {
                importer.StartRow();
                importer.Write(evt.BotId, NpgsqlTypes.NpgsqlDbType.Text);
                importer.Write(seq, NpgsqlTypes.NpgsqlDbType.Bigint);
                WriteText(importer, evt.EventId);
                importer.Write(evt.AccountId ?? InteractionEvent.DefaultAccountId, NpgsqlTypes.NpgsqlDbType.Text);
                WriteText(importer, evt.UserId);
                WriteText(importer, evt.ConversationId);
                importer.Write(evt.Timestamp.UtcDateTime, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                importer.Write(evt.Timestamp.UtcTicks, NpgsqlTypes.NpgsqlDbType.Bigint);
                importer.Write(evt.Kind.ToWireName(), NpgsqlTypes.NpgsqlDbType.Text);
                importer.Write(evt.NormalizedChannel, NpgsqlTypes.NpgsqlDbType.Text);
                WriteFlag(importer, evt.IntentMatched);
                WriteFlag(importer, evt.Fallback);
                WriteText(importer, evt.Goal);
                WriteFlag(importer, evt.Error);
                WriteText(importer, evt.Tag);
            }

            importer.Complete();
        }

        // The usual indexes, built after the rows.
        using (var index = new NpgsqlCommand(
            $"""
            ALTER TABLE {table} ADD PRIMARY KEY (bot_id, seq);
            CREATE UNIQUE INDEX {PlainTable}_event_id ON {table} (bot_id, event_id) WHERE event_id IS NOT NULL;
            CREATE INDEX {PlainTable}_time ON {table} (bot_id, ts_ticks);
            CREATE INDEX {PlainTable}_conversation ON {table} (bot_id, conversation_id) WHERE conversation_id IS NOT NULL;
            ANALYZE {table};
            """,
            connection))
        {
            index.CommandTimeout = 0;
            index.ExecuteNonQuery();
        }

        Console.WriteLine($"// PostgreSQL: filled {table} with {Events:N0} rows in {watch.Elapsed.TotalSeconds:N1} s");
    }

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlTypes.NpgsqlDbType.Text);
        }
    }

    private static void WriteFlag(NpgsqlBinaryImporter importer, bool? value)
    {
        if (value is { } flag)
        {
            importer.Write(flag, NpgsqlTypes.NpgsqlDbType.Boolean);
        }
        else
        {
            importer.WriteNull();
        }
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
