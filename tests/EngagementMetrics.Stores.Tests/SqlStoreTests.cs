using System.Diagnostics;
using EngagementMetrics.Events;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Stores.CrashWriter;
using EngagementMetrics.Stores.Tests.Support;
using EngagementMetrics.Trends;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using static EngagementMetrics.Conformance.TestEvents;

namespace EngagementMetrics.Stores.Tests;

/// <summary>What only the SQL stores have: migrations, identifiers, DI options, durability of the SQLite file.</summary>
public sealed class SqliteStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-sqlite-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_newer_schema_is_a_clear_error_and_nothing_is_touched()
    {
        var file = Path.Combine(_directory, "newer.db");
        var store = new SqliteInteractionStore($"Data Source={file}");
        await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var bump = new SqliteCommand("INSERT INTO em_schema_version (version, applied_utc) VALUES (99, 'future')", connection);
            await bump.ExecuteNonQueryAsync();
        }

        var older = new SqliteInteractionStore($"Data Source={file}");
        var act = async () => await older.AppendAsync([Event("u2", "2025-01-01T10:00:00Z")]);

        (await act.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"SQLite file '{file}': *version 99*newer than version 3*Upgrade*")
            .Which.Store.Should().Be($"SQLite file '{file}'");
        (await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-01"))).Summary.UniqueUsers.Should().Be(1);
        var readOnly = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}", ReadOnly = true });
        (await readOnly.Invoking(s => s.OpenSnapshotAsync(Bot).AsTask()).Should().ThrowAsync<EngagementStoreException>()).WithMessage("*version 99*newer*");
    }

    [Fact]
    public async Task A_version_1_database_is_refused_untouched_with_how_to_rebuild_it()
    {
        var file = Path.Combine(_directory, "v1.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = new SqliteCommand("CREATE TABLE em_schema_version (version integer NOT NULL, applied_utc text NOT NULL); INSERT INTO em_schema_version VALUES (1, 'then'); CREATE TABLE em_events (bot_id TEXT)", connection);
            await create.ExecuteNonQueryAsync();
        }

        var length = new FileInfo(file).Length;
        var store = new SqliteInteractionStore($"Data Source={file}");
        var act = async () => await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);

        (await act.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"SQLite file '{file}': the tables em_* are at schema version 1, written by an earlier EngagementMetrics;*Ingest your events again into a new database (engagement ingest --store sqlite:NEW.db --events events.jsonl); the data was not touched.");
        SqliteConnection.ClearAllPools();
        new FileInfo(file).Length.Should().Be(length);
    }

    [Fact]
    public async Task Non_ascii_ids_deduplicate_and_come_back_from_history_exactly()
    {
        var store = new SqliteInteractionStore($"Data Source={Path.Combine(_directory, "unicode.db")}");
        InteractionEvent Make(string id, string user, string conversation) => new()
        {
            BotId = Bot, EventId = id, UserId = user, ConversationId = conversation, Channel = "Ünï",
            Timestamp = new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero), Kind = InteractionKind.MessageIn,
        };

        var first = await store.AppendAsync([Make("é-\U0001F600", "用户\U0001F600", "c-\"q\\"), Make("e-\u00e9", "u\u00e9", "c2")]);
        var again = await store.AppendAsync([Make("é-\U0001F600", "x", "c3"), Make("e-\u00e9", "y", "c4"), Make("e-\u0065\u0301", "z", "c5")]);
        var history = await store.ReadEventsAsync(Bot, 0, DateTime.MaxValue.Ticks);

        first.Stored.Should().Be(2);
        again.Duplicates.Should().Be(2, "the same ids, however they are spelled in UTF-8");
        again.Stored.Should().Be(1, "'e' + combining accent is another id than the precomposed 'é'");
        history.Select(e => (e.UserId, e.ConversationId, e.Channel)).Should().Equal(("用户\U0001F600", "c-\"q\\", "ünï"), ("u\u00e9", "c2", "ünï"), ("z", "c5", "ünï"));
    }

    [Fact]
    public async Task A_read_only_store_never_creates_a_file()
    {
        var file = Path.Combine(_directory, "missing.db");
        var store = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}", ReadOnly = true });

        var open = async () => await store.OpenSnapshotAsync(Bot);
        var ensure = async () => await store.EnsureSchemaAsync();
        var bots = async () => await store.GetBotIdsAsync("default");
        var append = async () => await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);

        (await open.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"SQLite file '{file}' does not exist (a read-only store creates nothing)");
        await ensure.Should().ThrowAsync<EngagementStoreException>();
        await bots.Should().ThrowAsync<EngagementStoreException>();
        (await append.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*read-only*");
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty("neither the file nor its -wal or -shm is created");
    }

    [Fact]
    public async Task A_read_only_store_answers_like_the_store_and_never_writes_the_file()
    {
        var file = Path.Combine(_directory, "ro.db");
        var writer = new SqliteInteractionStore($"Data Source={file}");
        await writer.AppendAsync([Event("u1", "2025-01-01T10:00:00Z", eventId: "e1"), Event("u2", "2025-01-02T10:00:00Z", eventId: "e2")]);
        SqliteConnection.ClearAllPools();
        var length = new FileInfo(file).Length;
        var written = File.GetLastWriteTimeUtc(file);

        var store = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}", ReadOnly = true });
        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-02"));
        var events = await store.ReadEventsAsync(Bot, DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).UtcTicks, DateTime.MaxValue.Ticks);
        var append = async () => await store.AppendAsync([Event("u3", "2025-01-02T10:00:00Z")]);

        trend.Summary.UniqueUsers.Should().Be(2);
        events.Select(e => e.UserId).Should().Equal("u1", "u2");
        events.Should().OnlyContain(e => e.EventId == null, "stores keep event ids only to deduplicate");
        await append.Should().ThrowAsync<InvalidOperationException>();
        SqliteConnection.ClearAllPools();
        new FileInfo(file).Length.Should().Be(length);
        File.GetLastWriteTimeUtc(file).Should().Be(written);
    }

    [Fact]
    public async Task A_read_only_store_refuses_a_database_without_its_tables_and_creates_none()
    {
        var file = Path.Combine(_directory, "other.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = new SqliteCommand("CREATE TABLE customers (id INTEGER PRIMARY KEY)", connection);
            await create.ExecuteNonQueryAsync();
        }

        var length = new FileInfo(file).Length;
        var written = File.GetLastWriteTimeUtc(file);
        var store = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}", ReadOnly = true });

        var act = async () => await store.OpenSnapshotAsync(Bot);

        (await act.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"SQLite file '{file}' is not an EngagementMetrics store: it holds no tables em_* (a read-only store creates none)");
        SqliteConnection.ClearAllPools();
        new FileInfo(file).Length.Should().Be(length);
        File.GetLastWriteTimeUtc(file).Should().Be(written);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_file_that_is_not_a_database_or_a_directory_is_a_store_exception_naming_it(bool readOnly)
    {
        var text = Path.Combine(_directory, "notes.txt");
        await File.WriteAllTextAsync(text, string.Concat(Enumerable.Repeat("not a database\n", 100)));
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "folder")).FullName;
        var missingFolder = Path.Combine(_directory, "nowhere", "x.db");

        async Task<string> FailureAsync(string path)
        {
            var store = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={path}", ReadOnly = readOnly });
            var act = async () => await store.EnsureSchemaAsync();
            return (await act.Should().ThrowAsync<EngagementStoreException>()).Which.Message;
        }

        (await FailureAsync(text)).Should().Be($"SQLite file '{text}' is not a database");
        (await FailureAsync(folder)).Should().Be($"SQLite file '{folder}' is a directory, not a database file");
        (await FailureAsync(missingFolder)).Should().Be(readOnly
            ? $"SQLite file '{missingFolder}' does not exist (a read-only store creates nothing)"
            : $"SQLite file '{missingFolder}' cannot be created: the directory '{Path.GetDirectoryName(missingFolder)}' does not exist");
        Directory.Exists(Path.GetDirectoryName(missingFolder)).Should().BeFalse();
    }

    [Fact]
    public async Task Mode_ReadOnly_in_the_connection_string_makes_a_read_only_store()
    {
        var file = Path.Combine(_directory, "mode.db");
        var store = new SqliteInteractionStore($"Data Source={file};Mode=ReadOnly");

        var act = async () => await store.EnsureSchemaAsync();

        await act.Should().ThrowAsync<EngagementStoreException>().WithMessage("*does not exist*");
        File.Exists(file).Should().BeFalse();
    }

    [Fact]
    public async Task Reopening_a_database_keeps_every_batch_and_migrates_nothing_twice()
    {
        var file = Path.Combine(_directory, "reopen.db");
        await new SqliteInteractionStore($"Data Source={file}").AppendAsync([Event("u1", "2025-01-01T10:00:00Z", eventId: "e1")]);
        var reopened = new SqliteInteractionStore($"Data Source={file}");

        (await reopened.AppendAsync([Event("u1", "2025-01-01T10:00:00Z", eventId: "e1"), Event("u2", "2025-01-01T11:00:00Z")])).Stored.Should().Be(1);
        (await new EngagementEngine(reopened).GetTrendAsync(Query("2025-01-01", "2025-01-01"))).Summary.UniqueUsers.Should().Be(2);
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var versions = new SqliteCommand("SELECT COUNT(*) FROM em_schema_version", connection);
        ((long)(await versions.ExecuteScalarAsync())!).Should().Be(1);
    }

    [Theory]
    [InlineData("Em_")]
    [InlineData("em-")]
    [InlineData("x; DROP TABLE users; --")]
    [InlineData("1abc")]
    public void A_table_prefix_that_is_not_an_identifier_is_rejected(string prefix)
    {
        var act = () => new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = "Data Source=x.db", TablePrefix = prefix });

        act.Should().Throw<EngagementValidationException>().Which.Should().Match<EngagementValidationException>(e => e.ParameterName == "TablePrefix" && e.Value == prefix);
    }

    [Fact]
    public async Task A_custom_table_prefix_keeps_stores_apart_in_one_file()
    {
        var file = Path.Combine(_directory, "shared.db");
        var a = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}", TablePrefix = "a_" });
        var b = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}", TablePrefix = "" });
        await a.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);

        (await b.OpenSnapshotAsync(Bot)).Should().BeNull();
        (await a.OpenSnapshotAsync(Bot)).Should().NotBeNull();
    }

    [Fact]
    public void UseSqlite_validates_its_options_at_start()
    {
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UseSqlite(" ");
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*ConnectionString is required*");
    }

    [Fact]
    public async Task UseSqlite_serves_the_engine()
    {
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UseSqlite($"Data Source={Path.Combine(_directory, "di.db")}");
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        await provider.GetRequiredService<IInteractionStore>().AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);

        provider.GetRequiredService<IInteractionStore>().Should().BeOfType<SqliteInteractionStore>();
        (await provider.GetRequiredService<EngagementEngine>().GetTrendAsync(Query("2025-01-01", "2025-01-01"))).Summary.UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task A_writer_killed_mid_batch_leaves_every_committed_batch_and_nothing_of_the_killed_one()
    {
        var file = Path.Combine(_directory, "crash.db");
        var start = CrashWriterProcess.StartInfo("sqlite", file, 1000, 3_000_000);
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
        {
            lines.Add(line);
            if (line == "started 2")
            {
                await Task.Delay(1500); // well inside the 3M-event transaction
                process.Kill(entireProcessTree: true);
                break;
            }
        }

        await process.WaitForExitAsync();
        lines.Should().Equal(["committed 1", "started 2"], "the writer must die inside its second batch");

        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var check = new SqliteCommand("PRAGMA integrity_check", connection);
            ((string)(await check.ExecuteScalarAsync())!).Should().Be("ok");
            await using var count = new SqliteCommand("SELECT SUM(event_count) FROM em_history", connection);
            ((long)(await count.ExecuteScalarAsync())!).Should().Be(1000, "only the committed batch is stored");
            await using var ids = new SqliteCommand("SELECT COUNT(*) FROM em_event_ids", connection);
            ((long)(await ids.ExecuteScalarAsync())!).Should().Be(1000, "and only its ids");
        }

        var store = new SqliteInteractionStore($"Data Source={file}");
        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-02-05", bot: "crash-bot"));
        trend.Summary.UniqueUsers.Should().Be(1000, "the first batch had 1000 distinct users");
        (await store.AppendAsync([Event("a-late", "2025-01-01T10:00:00Z", bot: "crash-bot", eventId: "a5")])).Duplicates.Should().Be(1, "the committed batch's ids are still known");
    }
}

/// <summary>PostgreSQL-only behaviour: migrations, identifiers, durability when a writer is killed mid-batch.</summary>
[RequiresPostgres]
public sealed class PostgreSqlStoreTests : IAsyncLifetime
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
    private NpgsqlDataSource? _dataSource;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await using var drop = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
            await _dataSource.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task A_newer_schema_is_a_clear_error()
    {
        _dataSource = NpgsqlDataSource.Create(PostgresServer.RequireConnectionString());
        var store = new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema });
        await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);
        await using (var bump = _dataSource.CreateCommand($"INSERT INTO {_schema}.em_schema_version (version, applied_utc) VALUES (42, 'future')"))
        {
            await bump.ExecuteNonQueryAsync();
        }

        var older = new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema });
        var act = async () => await older.EnsureSchemaAsync();

        (await act.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"PostgreSQL database *: the tables {_schema}.em_* are at schema version 42, newer*");
    }

    [StoreFact]
    public async Task A_read_only_store_creates_no_schema_and_reads_an_existing_one()
    {
        _dataSource = NpgsqlDataSource.Create(PostgresServer.RequireConnectionString());
        var readOnly = new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema, ReadOnly = true });

        var missing = async () => await readOnly.OpenSnapshotAsync(Bot);

        (await missing.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"PostgreSQL database *is not an EngagementMetrics store: it holds no tables {_schema}.em_* (a read-only store creates none)");
        await using (var schemas = _dataSource.CreateCommand($"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{_schema}'"))
        {
            ((long)(await schemas.ExecuteScalarAsync())!).Should().Be(0, "a read-only store creates no schema");
        }

        await new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema }).AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);
        var reader = new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema, ReadOnly = true });
        var append = async () => await reader.AppendAsync([Event("u2", "2025-01-01T10:00:00Z")]);

        (await new EngagementEngine(reader).GetTrendAsync(Query("2025-01-01", "2025-01-01"))).Summary.UniqueUsers.Should().Be(1);
        await append.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task An_unreachable_server_is_a_store_exception_naming_host_port_and_database_never_the_password()
    {
        // Port 1 on the loopback: nothing listens there, so the connection is refused at once (no server needed).
        await using var store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=hunter2-secret;Database=y" });

        var act = async () => await store.EnsureSchemaAsync();

        var thrown = (await act.Should().ThrowAsync<EngagementStoreException>()).Which;
        thrown.Message.Should().StartWith("PostgreSQL database 127.0.0.1:1/y cannot be reached: ").And.NotContain("hunter2");
        thrown.Store.Should().Be("PostgreSQL database 127.0.0.1:1/y");
        thrown.InnerException.Should().BeAssignableTo<NpgsqlException>();
    }

    [StoreFact]
    public async Task UsePostgreSql_with_a_data_source_serves_the_engine_in_its_schema()
    {
        _dataSource = NpgsqlDataSource.Create(PostgresServer.RequireConnectionString());
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UsePostgreSql(_dataSource, o => o.Schema = _schema);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        await provider.GetRequiredService<IInteractionStore>().AppendAsync([Event("u1", "2025-01-01T10:00:00Z"), Event("u2", "2025-01-01T10:00:00Z")]);

        (await provider.GetRequiredService<EngagementEngine>().GetTrendAsync(Query("2025-01-01", "2025-01-01"))).Summary.UniqueUsers.Should().Be(2);
        await using var count = _dataSource.CreateCommand($"SELECT SUM(event_count)::bigint FROM {_schema}.em_history");
        ((long)(await count.ExecuteScalarAsync())!).Should().Be(2);
    }

    [StoreFact]
    public async Task A_writer_killed_mid_batch_leaves_every_committed_batch_and_nothing_of_the_killed_one()
    {
        var connectionString = PostgresServer.RequireConnectionString();
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var application = CrashBatch.ApplicationName(_schema);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var start = CrashWriterProcess.StartInfo("postgres", _schema, 1000, 1_000_000);
        start.Environment[PostgresServer.EnvironmentVariable] = connectionString;
        var (process, lines) = await CrashWriterProcess.StartSecondBatchAsync(start, timeout.Token);
        using var _ = process;
        try
        {
            // SIGKILL once the second batch's transaction is writing into the store's tables: the writer's session holds
            // the row lock of the INSERT into the ids table (its first write outside the temporary staging table).
            while (!await CrashWriterProcess.HoldsInsertLockAsync(_dataSource, application, $"{_schema}.em_event_ids", timeout.Token))
            {
                process.HasExited.Should().BeFalse("the writer must still be inside its second batch");
                await Task.Delay(20, timeout.Token);
            }

            await Task.Delay(250, timeout.Token);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(timeout.Token);
        }

        lines.AddRange((await process.StandardOutput.ReadToEndAsync(timeout.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        lines.Should().Equal(["committed 1", "started 2"], "the writer must die inside its second batch");

        // The server rolls the transaction back when it finds the client gone; wait until the session has ended, so
        // what follows is the final state, not just a transaction not yet committed.
        while (await CrashWriterProcess.SessionsAsync(_dataSource, application, timeout.Token) > 0)
        {
            await Task.Delay(50, timeout.Token);
        }

        async Task<long> CountAsync(string sql)
        {
            await using var command = _dataSource.CreateCommand(sql);
            return (long)(await command.ExecuteScalarAsync(timeout.Token))!;
        }

        (await CountAsync($"SELECT SUM(event_count)::bigint FROM {_schema}.em_history WHERE bot_id = '{CrashBatch.Bot}'")).Should().Be(1000, "only the committed batch is stored");
        (await CountAsync($"SELECT COUNT(*) FROM {_schema}.em_event_ids")).Should().Be(1000, "and only its ids");
        (await CountAsync($"SELECT COUNT(*) FROM {_schema}.em_users")).Should().Be(1000, "and only its users");
        (await CountAsync($"SELECT event_count FROM {_schema}.em_bots WHERE bot_id = '{CrashBatch.Bot}'")).Should().Be(1000, "the bot's counters are the committed batch's");

        var store = new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema });
        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-02-05", bot: CrashBatch.Bot));
        trend.Summary.UniqueUsers.Should().Be(1000, "the committed batch had 1000 distinct users");
        trend.Summary.NewUsers.Should().Be(1000);
        trend.Day("2025-01-01").UniqueUsers.Should().Be(1000, "the committed batch spans 17 minutes of 2025-01-01");
        trend.Buckets.Where(b => b.LocalStart != new DateTime(2025, 1, 1)).Sum(b => b.UniqueUsers).Should().Be(0, "the killed batch's users (and its 11 more days) are not there");

        var again = await store.AppendAsync(CrashBatch.Create("a", 1000));
        again.Stored.Should().Be(0, "every event of the committed batch is still known");
        again.Duplicates.Should().Be(1000);
        var killed = await store.AppendAsync(CrashBatch.Create("b", 1000));
        killed.Stored.Should().Be(1000, "no id of the killed batch was kept");
        killed.Duplicates.Should().Be(0);
    }

    [StoreFact]
    public async Task Layout_Sharded_creates_nothing_and_refuses_tables_that_are_not_sharded()
    {
        _dataSource = NpgsqlDataSource.Create(PostgresServer.RequireConnectionString());
        var sharded = new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema, Layout = PostgreSqlLayout.Sharded });

        var empty = async () => await sharded.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);

        (await empty.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"PostgreSQL database *holds no sharded tables {_schema}.em_* (Layout Sharded): create them first with engagement migrate --shards, or the SQL of PostgreSqlShardingScript; the store creates only the single-server tables");
        await using (var schemas = _dataSource.CreateCommand($"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{_schema}'"))
        {
            ((long)(await schemas.ExecuteScalarAsync())!).Should().Be(0, "the schema created in the refused transaction is rolled back");
        }

        await new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema }).AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);
        var plain = async () => await new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema, Layout = PostgreSqlLayout.Sharded }).EnsureSchemaAsync();
        var single = new PostgreSqlInteractionStore(_dataSource, new PostgreSqlStoreOptions { Schema = _schema, Layout = PostgreSqlLayout.Single });

        (await plain.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"PostgreSQL database *: the tables {_schema}.em_* are not sharded (the bots table is not partitioned by bot), but Layout is Sharded; use Layout Auto or Single");
        (await new EngagementEngine(single).GetTrendAsync(Query("2025-01-01", "2025-01-01"))).Summary.UniqueUsers.Should().Be(1);
    }

    [Fact]
    public void Schema_and_prefix_must_be_identifiers()
    {
        var badSchema = () => new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = "Host=localhost", Schema = "public; DROP" });
        var badPrefix = () => new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = "Host=localhost", TablePrefix = "A" });
        var noConnection = () => new PostgreSqlInteractionStore(new PostgreSqlStoreOptions());

        badSchema.Should().Throw<EngagementValidationException>().Which.ParameterName.Should().Be("Schema");
        badPrefix.Should().Throw<EngagementValidationException>().Which.ParameterName.Should().Be("TablePrefix");
        noConnection.Should().Throw<EngagementValidationException>().Which.ParameterName.Should().Be("ConnectionString");
    }
}
