using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngagementMetrics.Cli.Tests;

/// <summary>Runs when a PostgreSQL server is configured (EM_POSTGRES_CONNECTION); under CI=true it always runs.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("EM_POSTGRES_CONNECTION") is not { Length: > 0 }
            && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = "no PostgreSQL server configured: set EM_POSTGRES_CONNECTION (.ci/run starts one); under CI=true this test fails instead";
        }
    }
}

/// <summary><c>engagement ingest</c> and <c>--store</c>: the SQL stores print the same documents as the events file.</summary>
public sealed class StoreCommandTests : IDisposable
{
    private static readonly string Events = Path.Combine(AppContext.BaseDirectory, "TestData", "kore-v2-events.jsonl");
    private static readonly string[] Period = ["trend", "--bot", "st-demo", "--start-date", "2025-12-01", "--end-date", "2025-12-05", "--time-zone", "Asia/Kolkata"];

    private static readonly string[][] Variants =
    [
        [],
        ["--aggregation-type", "daily"],
        ["--aggregation-type", "daily", "--format", "v1"],
        ["--format", "v1"],
        ["--aggregation-type", "daily", "--conversation-status", "closed"],
        ["--conversation-type", "interactive", "--channels", "rtm"],
        ["--aggregation-type", "daily", "--conversation-type", "non interactive", "--channels", "slack,msteams"],
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("em-cli-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Ingest_then_trend_from_sqlite_prints_what_the_events_file_prints()
    {
        var store = "sqlite:" + Path.Combine(_directory, "bots.db");

        var generated = await GenerateAsync();

        var ingest = await RunAsync("ingest", "--store", store, "--events", Events);
        var ingestGenerated = await RunAsync("ingest", "--store", store, "--events", generated, "--batch-size", "700");

        ingest.Exit.Should().Be(0, ingest.Err);
        ingest.Out.Should().Be("kore-v2-events.jsonl into bots.db: 4 lines\nstored: 4\nduplicates: 0\nrejected: 0\n");
        ingestGenerated.Out.Should().Contain("stored: 3000\n");
        await AssertSameDocumentsAsync(store, generated);
    }

    [PostgresFact]
    public async Task Ingest_then_trend_from_postgres_prints_what_the_events_file_prints()
    {
        var schema = "cli_" + Guid.NewGuid().ToString("N");
        var connection = Environment.GetEnvironmentVariable("EM_POSTGRES_CONNECTION")
            ?? throw new InvalidOperationException("EM_POSTGRES_CONNECTION is not set and CI=true: .ci/run starts a server and sets it.");
        var store = $"postgres:{connection};Search Path={schema}";
        await using var dataSource = NpgsqlDataSource.Create(connection);
        try
        {
            var generated = await GenerateAsync();
            var ingest = await RunAsync("ingest", "--store", store, "--events", Events);
            var ingestGenerated = await RunAsync("ingest", "--store", store, "--events", generated, "--batch-size", "700");
            ingest.Exit.Should().Be(0, ingest.Err);
            ingestGenerated.Out.Should().Contain("stored: 3000\n");
            await AssertSameDocumentsAsync(store, generated);
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Ingesting_twice_stores_nothing_twice()
    {
        var store = "sqlite:" + Path.Combine(_directory, "twice.db");
        await RunAsync("ingest", "--store", store, "--events", Events);

        var again = await RunAsync("ingest", "--store", store, "--events", Events);

        again.Out.Should().Contain("stored: 0\n").And.Contain("duplicates: 4\n");
    }

    [Fact]
    public async Task Bad_lines_are_skipped_and_reported_by_line_or_refuse_the_file_with_strict()
    {
        var file = Path.Combine(_directory, "bad.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"botId":"b","userId":"u1","timestamp":"2025-01-01T10:00:00Z","kind":"message_in"}""",
            """{"botId":"b","userId":"u2","timestamp":"yesterday","kind":"message_in"}""",
            """{"botId":"b","timestamp":"2025-01-01T10:00:00Z","kind":"message_in"}""",
        ]);
        var strictStore = "sqlite:" + Path.Combine(_directory, "strict.db");

        var strict = await RunAsync("ingest", "--store", strictStore, "--events", file, "--strict");
        var lenient = await RunAsync("ingest", "--store", "sqlite:" + Path.Combine(_directory, "lenient.db"), "--events", file);

        strict.Exit.Should().Be(2);
        strict.Out.Should().BeEmpty();
        strict.Err.Should().StartWith("error: invalid --events bad.jsonl line 2: timestamp").And.Contain("--strict stored nothing");
        lenient.Exit.Should().Be(0);
        lenient.Out.Should().Contain("stored: 1\n").And.Contain("rejected: 2\n").And.Contain("  line 2: timestamp").And.Contain("  line 3: userId");
        var query = await RunAsync("trend", "--store", strictStore, "--bot", "b", "--start-date", "2025-01-01", "--end-date", "2025-01-01");
        query.Exit.Should().Be(2);
        query.Err.Should().Contain("strict.db' does not exist", "--strict refused the file before opening the store, and a query creates none");
    }

    [Theory]
    [InlineData("mysql:x", "expected sqlite:PATH or postgres:CONNECTION_STRING")]
    [InlineData("sqlite:", "sqlite needs a file path")]
    [InlineData("postgres:", "ConnectionString is required")]
    public async Task A_bad_store_is_one_line_naming_the_option(string spec, string message)
    {
        var result = await RunAsync([.. Period, "--store", spec]);

        result.Exit.Should().Be(2);
        result.Out.Should().BeEmpty();
        result.Err.Should().StartWith("error: invalid --store").And.Contain(message).And.EndWith("\n");
        result.Err.TrimEnd('\n').Should().NotContain("\n");
    }

    [Fact]
    public async Task Events_and_store_together_or_neither_is_bad_input()
    {
        var both = await RunAsync([.. Period, "--events", Events, "--store", "sqlite:" + Path.Combine(_directory, "x.db")]);
        var neither = await RunAsync(Period);

        both.Exit.Should().Be(2);
        both.Err.Should().Contain("either --events or --store");
        neither.Exit.Should().Be(2);
        neither.Err.Should().Contain("one of --events FILE.jsonl or --store");
    }

    // The seed example's bot from its file, and a generated bot (3 channels, conversations, New York DST) from its own.
    private static async Task AssertSameDocumentsAsync(string store, string generated)
    {
        string[][] periods =
        [
            Period,
            ["trend", "--bot", "gen-bot", "--start-date", "2025-10-30", "--end-date", "2025-11-04", "--time-zone", "America/New_York"],
        ];
        foreach (var (period, file) in periods.Zip(new[] { Events, generated }))
        {
            foreach (var variant in Variants)
            {
                var fromFile = await RunAsync([.. period, .. variant, "--events", file]);
                var fromStore = await RunAsync([.. period, .. variant, "--store", store]);
                fromFile.Exit.Should().Be(0, fromFile.Err);
                fromStore.Exit.Should().Be(0, fromStore.Err);
                fromStore.Out.Should().Be(fromFile.Out, $"{period[2]} {string.Join(' ', variant)}");
            }
        }
    }

    private async Task<string> GenerateAsync()
    {
        var random = new Random(42);
        var origin = new DateTimeOffset(2025, 10, 28, 0, 0, 0, TimeSpan.Zero);
        string[] kinds = ["message_in", "message_out", "action_in", "agent_message", "conversation_closed", "goal_reached"];
        string[] channels = ["rtm", "Slack", "msteams"];
        var lines = Enumerable.Range(0, 3000).Select(i =>
        {
            var kind = kinds[random.Next(kinds.Length)];
            var at = origin.AddMinutes(random.Next(9 * 24 * 60)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            return $$"""{"eventId":"g{{i}}","botId":"gen-bot","userId":"u{{random.Next(150)}}","conversationId":"c{{random.Next(400)}}","timestamp":"{{at}}","channel":"{{channels[random.Next(3)]}}","kind":"{{kind}}"}""";
        });
        var path = Path.Combine(_directory, "generated.jsonl");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
