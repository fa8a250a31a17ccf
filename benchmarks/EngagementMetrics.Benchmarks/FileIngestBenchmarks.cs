using System.Data;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using EngagementMetrics.InMemory;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// Ingest of a realistic JSON Lines log (<see cref="IngestData"/>) into an empty store, end to end from the file on
/// disk ("ours", <see cref="IngestPaths.IngestFileAsync"/>), each beside its reference in the same category so the
/// ratio column compares them:
/// <list type="bullet">
/// <item>SQLite: ceiling = a bare prepared INSERT per row of the same rows, already parsed, in one transaction (WAL,
/// <c>synchronous=FULL</c> as the store's default), into a table with the store's events columns and indexes.</item>
/// <item>PostgreSQL: ceiling = one binary COPY of the same rows, already parsed, into such a table.</item>
/// <item>InMemory: reference = the reader alone (parse and validate the file, store nothing).</item>
/// </list>
/// Every iteration starts from a fresh empty database (SQLite file in a temp directory, PostgreSQL schema), removed
/// after it. Schema creation is not measured. Event counts: [1M, 10M], or <c>EM_INGEST_EVENTS</c>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn, CategoriesColumn]
[Config(typeof(IngestColumns))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class FileIngestBenchmarks
{
    private const string SqliteCategory = "SQLite";
    private const string PostgresCategory = "PostgreSQL";
    private const string InMemoryCategory = "InMemory";

    private static readonly string[] EventColumns =
        ["bot_id", "seq", "event_id", "account_id", "user_id", "conversation_id", "ts_ticks", "kind", "channel", "intent_matched", "fallback", "goal", "error", "tag"];

    private string _file = string.Empty;
    private IngestRow[] _rows = [];
    private string? _runDirectory;
    private string? _schema;
    private SqliteConnection? _sqlite;
    private NpgsqlConnection? _postgres;
    private IInteractionStore? _store;
    private long _stored = -1;
    private bool _versionShown;

    /// <summary>Events in the file (and rows in the ceilings).</summary>
    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    public static IEnumerable<int> EventCounts => IngestData.EventCounts();

    [GlobalSetup(Targets = [nameof(SqliteStoreFromFile), nameof(PostgresStoreFromFile), nameof(ReaderAlone), nameof(InMemoryStoreFromFile)])]
    public void SetupFile() => _file = IngestData.EnsureFile(Events);

    [GlobalSetup(Targets = [nameof(SqliteBareInsert), nameof(PostgresBinaryCopy)])]
    public void SetupRows()
    {
        _rows = IngestData.Rows(Events);
        if (_rows.Length > 0)
        {
            Console.WriteLine($"// ingest rows: {_rows.Length:N0} in memory, {new DateTime(_rows[0].UtcTicks, DateTimeKind.Utc):O} .. {new DateTime(_rows[^1].UtcTicks, DateTimeKind.Utc):O}");
        }
    }

    // ---- SQLite ----------------------------------------------------------------------------------------------------

    [IterationSetup(Target = nameof(SqliteBareInsert))]
    public void NewSqliteTable()
    {
        _sqlite = new SqliteConnection($"Data Source={Path.Combine(NewRunDirectory(), "ceiling.db")};Pooling=False");
        _sqlite.Open();
        using var command = _sqlite.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        var journal = command.ExecuteScalar();
        command.CommandText = "PRAGMA synchronous=FULL";
        command.ExecuteNonQuery();
        command.CommandText = "SELECT sqlite_version() || ', synchronous=' || (SELECT synchronous FROM pragma_synchronous)";
        var version = command.ExecuteScalar();
        if (!_versionShown)
        {
            Console.WriteLine($"// SQLite {version} (2 = FULL), journal_mode={journal}");
            _versionShown = true;
        }

        // The store's events table and its indexes (SqliteInteractionStore, schema version 1), nothing else.
        command.CommandText = """
            CREATE TABLE events (bot_id TEXT NOT NULL, seq INTEGER NOT NULL, event_id TEXT, account_id TEXT NOT NULL, user_id TEXT, conversation_id TEXT, ts_ticks INTEGER NOT NULL, kind TEXT NOT NULL, channel TEXT NOT NULL, intent_matched INTEGER, fallback INTEGER, goal TEXT, error INTEGER, tag TEXT, PRIMARY KEY (bot_id, seq)) WITHOUT ROWID;
            CREATE UNIQUE INDEX events_event_id ON events (bot_id, event_id) WHERE event_id IS NOT NULL;
            CREATE INDEX events_time ON events (bot_id, ts_ticks);
            CREATE INDEX events_conversation ON events (bot_id, conversation_id) WHERE conversation_id IS NOT NULL;
            """;
        command.ExecuteNonQuery();
    }

    [IterationSetup(Target = nameof(SqliteStoreFromFile))]
    public void NewSqliteStore()
    {
        var store = new SqliteInteractionStore($"Data Source={Path.Combine(NewRunDirectory(), "store.db")}");
        store.EnsureSchemaAsync().AsTask().GetAwaiter().GetResult();
        _store = store;
    }

    [Benchmark(Baseline = true, Description = "ceiling: bare prepared INSERT of the parsed rows, one transaction")]
    [BenchmarkCategory(SqliteCategory)]
    public long SqliteBareInsert()
    {
        var connection = _sqlite!;
        using var transaction = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"INSERT INTO events ({string.Join(", ", EventColumns)}) VALUES ({string.Join(", ", EventColumns.Select(c => "@" + c))})";
        var p = new SqliteParameter[EventColumns.Length];
        for (var c = 0; c < p.Length; c++)
        {
            // No declared type: each value binds by its own type (text, integer, or a bool as 0/1), as in the store.
            p[c] = insert.Parameters.AddWithValue("@" + EventColumns[c], DBNull.Value);
        }

        insert.Prepare();
        foreach (var row in _rows)
        {
            p[0].Value = row.BotId;
            p[1].Value = row.Seq;
            p[2].Value = row.EventId;
            p[3].Value = row.AccountId;
            p[4].Value = row.UserId;
            p[5].Value = row.ConversationId;
            p[6].Value = row.UtcTicks;
            p[7].Value = row.Kind;
            p[8].Value = row.Channel;
            p[9].Value = row.IntentMatched is { } intent ? intent : DBNull.Value;
            p[10].Value = row.Fallback is { } fallback ? fallback : DBNull.Value;
            p[11].Value = (object?)row.Goal ?? DBNull.Value;
            p[12].Value = row.Error is { } error ? error : DBNull.Value;
            p[13].Value = (object?)row.Tag ?? DBNull.Value;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return _stored = _rows.Length;
    }

    [Benchmark(Description = "ours: JSON Lines file -> SqliteInteractionStore")]
    [BenchmarkCategory(SqliteCategory)]
    public long SqliteStoreFromFile() => Ingest();

    // ---- PostgreSQL ------------------------------------------------------------------------------------------------

    [IterationSetup(Target = nameof(PostgresBinaryCopy))]
    public void NewPostgresTable()
    {
        _schema = "fi_" + Guid.NewGuid().ToString("N");
        _postgres = new NpgsqlConnection(SqlBench.PostgresConnection);
        _postgres.Open();

        // The store's events table and its indexes (PostgreSqlInteractionStore, schema version 1), nothing else.
        using var command = new NpgsqlCommand(
            $"""
            CREATE SCHEMA {_schema};
            CREATE TABLE {_schema}.events (bot_id text NOT NULL, seq bigint NOT NULL, event_id text, account_id text NOT NULL, user_id text, conversation_id text, ts timestamptz NOT NULL, ts_ticks bigint NOT NULL, kind text NOT NULL, channel text NOT NULL, intent_matched boolean, fallback boolean, goal text, error boolean, tag text, PRIMARY KEY (bot_id, seq));
            CREATE UNIQUE INDEX events_event_id ON {_schema}.events (bot_id, event_id) WHERE event_id IS NOT NULL;
            CREATE INDEX events_time ON {_schema}.events (bot_id, ts_ticks);
            CREATE INDEX events_conversation ON {_schema}.events (bot_id, conversation_id) WHERE conversation_id IS NOT NULL;
            SELECT version();
            """,
            _postgres);
        var version = command.ExecuteScalar();
        if (!_versionShown)
        {
            Console.WriteLine($"// {version}");
            _versionShown = true;
        }
    }

    [IterationSetup(Target = nameof(PostgresStoreFromFile))]
    public void NewPostgresStore()
    {
        _schema = "fi_" + Guid.NewGuid().ToString("N");
        var store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = SqlBench.PostgresConnection, Schema = _schema });
        store.EnsureSchemaAsync().AsTask().GetAwaiter().GetResult();
        _store = store;
    }

    [Benchmark(Baseline = true, Description = "ceiling: one binary COPY of the parsed rows")]
    [BenchmarkCategory(PostgresCategory)]
    public long PostgresBinaryCopy()
    {
        using var importer = _postgres!.BeginBinaryImport(
            $"COPY {_schema}.events (bot_id, seq, event_id, account_id, user_id, conversation_id, ts, ts_ticks, kind, channel, intent_matched, fallback, goal, error, tag) FROM STDIN (FORMAT BINARY)");
        foreach (var row in _rows)
        {
            importer.StartRow();
            importer.Write(row.BotId, NpgsqlDbType.Text);
            importer.Write(row.Seq, NpgsqlDbType.Bigint);
            importer.Write(row.EventId, NpgsqlDbType.Text);
            importer.Write(row.AccountId, NpgsqlDbType.Text);
            importer.Write(row.UserId, NpgsqlDbType.Text);
            importer.Write(row.ConversationId, NpgsqlDbType.Text);
            importer.Write(new DateTime(row.UtcTicks, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
            importer.Write(row.UtcTicks, NpgsqlDbType.Bigint);
            importer.Write(row.Kind, NpgsqlDbType.Text);
            importer.Write(row.Channel, NpgsqlDbType.Text);
            WriteNullable(importer, row.IntentMatched);
            WriteNullable(importer, row.Fallback);
            WriteNullable(importer, row.Goal);
            WriteNullable(importer, row.Error);
            WriteNullable(importer, row.Tag);
        }

        return _stored = (long)importer.Complete();
    }

    [Benchmark(Description = "ours: JSON Lines file -> PostgreSqlInteractionStore")]
    [BenchmarkCategory(PostgresCategory)]
    public long PostgresStoreFromFile() => Ingest();

    // ---- In memory -------------------------------------------------------------------------------------------------

    [IterationSetup(Target = nameof(InMemoryStoreFromFile))]
    public void NewInMemoryStore() => _store = new InMemoryInteractionStore();

    [Benchmark(Baseline = true, Description = "reader alone: parse + validate the file, store nothing")]
    [BenchmarkCategory(InMemoryCategory)]
    public long ReaderAlone() => _stored = IngestPaths.ReadFileAsync(_file).GetAwaiter().GetResult();

    [Benchmark(Description = "ours: JSON Lines file -> InMemoryInteractionStore")]
    [BenchmarkCategory(InMemoryCategory)]
    public long InMemoryStoreFromFile() => Ingest();

    // ---- Common ----------------------------------------------------------------------------------------------------

    /// <summary>Checks that the iteration stored every event, then removes its database.</summary>
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
            _sqlite?.Dispose();
            _sqlite = null;
            _postgres?.Dispose();
            _postgres = null;
            switch (_store)
            {
                case PostgreSqlInteractionStore postgres:
                    postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    break;
            }

            _store = null;
            if (_schema is not null)
            {
                SqlBench.DropSchema(SqlBench.PostgresConnection, _schema);
                _schema = null;
            }

            SqliteConnection.ClearAllPools();
            if (_runDirectory is not null)
            {
                Directory.Delete(_runDirectory, recursive: true);
                _runDirectory = null;
            }
        }
    }

    private long Ingest() => _stored = SqlBench.IngestWhole(_file, _store!);

    private string NewRunDirectory()
    {
        _runDirectory = Path.Combine(SqlBench.Directory, "file-ingest", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_runDirectory);
        return _runDirectory;
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, bool? value)
    {
        if (value is { } v)
        {
            importer.Write(v, NpgsqlDbType.Boolean);
        }
        else
        {
            importer.WriteNull();
        }
    }
}

/// <summary>
/// The ingest benchmarks' job and columns: one launch, <c>EM_BENCH_WARMUPS</c> warm-up (default 1) and
/// <c>EM_BENCH_ITERATIONS</c> measured iterations (default 3) of the Monitoring strategy (each iteration is a whole
/// ingest), plus the events/s column.
/// </summary>
public sealed class IngestColumns : ManualConfig
{
    public IngestColumns()
    {
        static int Setting(string name, int fallback) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : fallback;
        AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(Setting("EM_BENCH_WARMUPS", 1)).WithIterationCount(Math.Max(1, Setting("EM_BENCH_ITERATIONS", 3))));
        AddColumn(new EventsPerSecondColumn());
    }
}

/// <summary>Events per second: the <c>Events</c> parameter divided by the mean time of one invocation.</summary>
public sealed class EventsPerSecondColumn : IColumn
{
    public string Id => nameof(EventsPerSecondColumn);

    public string ColumnName => "Events/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Events (lines) per second: the Events parameter divided by Mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0 && benchmarkCase.Parameters["Events"] is int events
            ? (events / (mean.Value / 1e9)).ToString("N0", CultureInfo.InvariantCulture)
            : "NA";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
