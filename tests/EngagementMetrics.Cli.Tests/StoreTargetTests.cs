using EngagementMetrics.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// Every bad <c>--store</c> target, for every command that takes one, is one line on stderr naming the target (never a
/// password) and exit code 2; the query commands open stores read-only and never create or change the database file.
/// </summary>
public sealed class StoreTargetTests : IDisposable
{
    private const string Password = "hunter2-secret";
    private static readonly string Events = Path.Combine(AppContext.BaseDirectory, "TestData", "kore-v2-events.jsonl");

    private readonly string _directory = Directory.CreateTempSubdirectory("em-target-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static readonly string[] Queries = ["trend", "busier-hourly", "busier-weekly", "stats"];
    private static readonly string[] All = ["ingest", .. Queries, "serve"];

    public static TheoryData<string> Commands => new(All);

    public static TheoryData<string> QueryCommands => new(Queries);

    /// <summary>A whole, otherwise valid command line of <paramref name="command"/> on <paramref name="store"/>.</summary>
    private static string[] Args(string command, string store) => command switch
    {
        "ingest" => ["ingest", "--store", store, "--events", Events],
        "trend" => ["trend", "--store", store, "--bot", "st-demo", "--start-date", "2025-12-01", "--end-date", "2025-12-05"],
        "busier-hourly" or "busier-weekly" => [command, "--store", store, "--bot", "st-demo", "--start", "2025-12-05T00:00:00Z"],
        "stats" => ["stats", "--store", store, "--account", "default", "--bot", "*", "--types", "2,3", "--now", "2025-12-05T12:00:00Z"],
        "serve" => ["serve", "--store", store, "--urls", "http://127.0.0.1:0"],
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_file_that_is_not_a_database_is_one_line_naming_it_and_is_left_alone(string command)
    {
        var file = Path.Combine(_directory, "passwd");
        await File.WriteAllTextAsync(file, string.Concat(Enumerable.Repeat("root:x:0:0:root:/root:/bin/bash\n", 40)));
        var before = Snapshot();

        var result = await RunAsync(Args(command, "sqlite:" + file));

        AssertOneLineError(result, $"error: invalid --store: SQLite file '{file}' is not a database");
        Snapshot().Should().Equal(before, "nothing is created or written");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_path_in_a_missing_directory_is_one_line_naming_it_and_creates_nothing(string command)
    {
        var missing = Path.Combine(_directory, "no-such-dir");
        var file = Path.Combine(missing, "bots.db");

        var result = await RunAsync(Args(command, "sqlite:" + file));

        AssertOneLineError(result, command is "ingest" or "serve"
            ? $"error: invalid --store: SQLite file '{file}' cannot be created: the directory '{missing}' does not exist"
            : $"error: invalid --store: SQLite file '{file}' does not exist (a read-only store creates nothing)");
        Directory.Exists(missing).Should().BeFalse();
        Snapshot().Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_directory_is_one_line_naming_it(string command)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, "a-directory")).FullName;
        var before = Snapshot();

        var result = await RunAsync(Args(command, "sqlite:" + directory));

        AssertOneLineError(result, $"error: invalid --store: SQLite file '{directory}' is a directory, not a database file");
        Snapshot().Should().Equal(before);
        Directory.EnumerateFileSystemEntries(directory).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_database_with_a_newer_schema_is_one_line_naming_it_and_is_left_alone(string command)
    {
        var file = Path.Combine(_directory, "newer.db");
        await new SqliteInteractionStore($"Data Source={file}").EnsureSchemaAsync();

        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var bump = new SqliteCommand("INSERT INTO em_schema_version (version, applied_utc) VALUES (99, 'future')", connection);
            await bump.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        var before = FileState(file);

        var result = await RunAsync(Args(command, "sqlite:" + file));

        AssertOneLineError(
            result,
            $"error: invalid --store: SQLite file '{file}': the tables em_* are at schema version 99, newer than version {SqliteInteractionStore.SchemaVersion} that this EngagementMetrics library understands. Upgrade the EngagementMetrics package; the data was not touched.");
        SqliteConnection.ClearAllPools();
        FileState(file).Should().Be(before, "the database file is neither migrated nor written");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_unreachable_postgres_server_is_one_line_naming_host_port_and_database_never_the_password(string command)
    {
        // Port 1 on the loopback: nothing listens there, so the connection is refused at once (no server needed).
        var result = await RunAsync(Args(command, $"postgres:Host=127.0.0.1;Port=1;Username=x;Password={Password};Database=y"));

        AssertOneLineError(result, "error: invalid --store: PostgreSQL database 127.0.0.1:1/y cannot be reached: ");
        result.Err.Should().NotContain(Password);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Bad_connection_string_keywords_are_one_line_that_hides_the_connection_string(string command)
    {
        var result = await RunAsync(Args(command, $"postgres:Host=127.0.0.1;Password={Password};Bogus=1"));

        AssertOneLineError(result, "error: invalid --store 'postgres:(hidden)': the connection string is not valid: ");
        result.Err.Should().Contain("bogus").And.NotContain(Password);
    }

    [Theory]
    [MemberData(nameof(QueryCommands))]
    public async Task A_missing_file_is_one_line_for_a_query_and_nothing_is_created(string command)
    {
        var file = Path.Combine(_directory, "missing.db");

        var result = await RunAsync(Args(command, "sqlite:" + file));

        AssertOneLineError(result, $"error: invalid --store: SQLite file '{file}' does not exist (a read-only store creates nothing)");
        Snapshot().Should().BeEmpty("a query never creates a database (nor its -wal or -shm files)");
    }

    [Theory]
    [MemberData(nameof(QueryCommands))]
    public async Task Another_applications_sqlite_file_is_not_read_as_a_store_and_is_left_alone(string command)
    {
        var file = Path.Combine(_directory, "other.db");
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = new SqliteCommand("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada')", connection);
            await create.ExecuteNonQueryAsync();
        }

        var before = Snapshot();

        var result = await RunAsync(Args(command, "sqlite:" + file));

        AssertOneLineError(result, $"error: invalid --store: SQLite file '{file}' is not an EngagementMetrics store: it holds no tables em_* (a read-only store creates none)");
        SqliteConnection.ClearAllPools();
        Snapshot().Should().Equal(before, "no table is created and nothing is written");
    }

    [Theory]
    [MemberData(nameof(QueryCommands))]
    public async Task A_query_never_writes_to_the_database_file(string command)
    {
        var file = Path.Combine(_directory, "bots.db");
        (await RunAsync("ingest", "--store", "sqlite:" + file, "--events", Events)).Exit.Should().Be(0);
        SqliteConnection.ClearAllPools();
        var before = FileState(file);

        var result = await RunAsync(Args(command, "sqlite:" + file));

        result.Exit.Should().Be(0, result.Err);
        SqliteConnection.ClearAllPools();

        // SQLite may add its -wal and -shm companions to read a WAL database safely; the database file stays as it was.
        FileState(file).Should().Be(before);
    }

    [Fact]
    public async Task Sqlite_takes_a_path_never_connection_string_text()
    {
        var path = Path.Combine(_directory, "x.db;Mode=Memory");

        var query = await RunAsync(Args("trend", "sqlite:" + path));
        var ingest = await RunAsync("ingest", "--store", "sqlite:" + path, "--events", Events);
        var after = await RunAsync(Args("trend", "sqlite:" + path));

        AssertOneLineError(query, $"error: invalid --store: SQLite file '{path}' does not exist (a read-only store creates nothing)");
        ingest.Exit.Should().Be(0, ingest.Err);
        ingest.Out.Should().StartWith("kore-v2-events.jsonl into x.db;Mode=Memory: 4 lines");
        File.Exists(path).Should().BeTrue("the whole text after sqlite: is the file's name");
        after.Exit.Should().Be(0, after.Err);
        after.Out.Should().Contain("\"uniqueUsers\"");
    }

    [PostgresFact]
    public async Task A_query_on_postgres_creates_no_schema_and_says_the_tables_are_missing()
    {
        var connection = Environment.GetEnvironmentVariable("EM_POSTGRES_CONNECTION")
            ?? throw new InvalidOperationException("EM_POSTGRES_CONNECTION is not set and CI=true: .ci/run starts a server and sets it.");
        var schema = "cli_" + Guid.NewGuid().ToString("N");
        var server = new NpgsqlConnectionStringBuilder(connection);
        await using var dataSource = NpgsqlDataSource.Create(connection);

        foreach (var command in Queries)
        {
            var result = await RunAsync(Args(command, $"postgres:{connection};Search Path={schema}"));

            AssertOneLineError(result, $"error: invalid --store: PostgreSQL database {server.Host}:{server.Port}/{server.Database ?? server.Username} is not an EngagementMetrics store: it holds no tables {schema}.em_* (a read-only store creates none)");
            await using var exists = dataSource.CreateCommand($"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{schema}'");
            ((long)(await exists.ExecuteScalarAsync())!).Should().Be(0, $"{command} creates no schema");
        }
    }

    [PostgresFact]
    public async Task A_newer_postgres_schema_is_one_line_naming_it()
    {
        var connection = Environment.GetEnvironmentVariable("EM_POSTGRES_CONNECTION")
            ?? throw new InvalidOperationException("EM_POSTGRES_CONNECTION is not set and CI=true: .ci/run starts a server and sets it.");
        var schema = "cli_" + Guid.NewGuid().ToString("N");
        var store = $"postgres:{connection};Search Path={schema}";
        await using var dataSource = NpgsqlDataSource.Create(connection);
        try
        {
            (await RunAsync("ingest", "--store", store, "--events", Events)).Exit.Should().Be(0);
            await using (var bump = dataSource.CreateCommand($"INSERT INTO {schema}.em_schema_version (version, applied_utc) VALUES (42, 'future')"))
            {
                await bump.ExecuteNonQueryAsync();
            }

            foreach (var command in All)
            {
                var result = await RunAsync(Args(command, store));

                AssertOneLineError(result, "error: invalid --store: PostgreSQL database ");
                result.Err.Should().Contain($"the tables {schema}.em_* are at schema version 42, newer than version {SqliteInteractionStore.SchemaVersion}", command);
            }
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static void AssertOneLineError((int Exit, string Out, string Err) result, string start)
    {
        result.Exit.Should().Be(EngagementCli.BadInput, result.Err);
        result.Out.Should().BeEmpty();
        result.Err.Should().StartWith(start).And.EndWith("\n");
        result.Err.TrimEnd('\n').Should().NotContain("\n", "the error is one line, without a stack trace");
    }

    /// <summary>Every file under the test directory with its length and last write time.</summary>
    private List<string> Snapshot() =>
        [.. Directory.EnumerateFileSystemEntries(_directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(FileState)];

    private static string FileState(string path) => File.Exists(path)
        ? $"{path} {new FileInfo(path).Length} {File.GetLastWriteTimeUtc(path):O}"
        : $"{path} (directory or missing)";

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };

        // serve runs until cancelled once started; a bad store must stop it long before this.
        var exit = await EngagementCli.RunAsync(args, stdout, stderr).WaitAsync(TimeSpan.FromMinutes(1));
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
