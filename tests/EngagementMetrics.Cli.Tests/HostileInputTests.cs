namespace EngagementMetrics.Cli.Tests;

/// <summary>Lines that crashed or fooled the old reader, through <c>ingest</c> and <c>trend --events</c>: refused by line, exit 0 or 2, never a stack trace.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-hostile-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static readonly string[] Expected =
    [
        "  line 2: userId: holds an escaped lone surrogate (\\ud800), which is not text",
        "  line 3: $: invalid UTF-8 at byte 46 (FF); events must be UTF-8 text",
        "  line 4: botId: appears twice in the event; every property may be given once",
        "  line 5: userId: contains control character U+0000 at position 4; ids and names must be printable text",
        "  line 6: timestamp: '2025-02-30T00:00:00Z' 2025-02-30 is not a calendar date",
        "  line 7: timestamp: '2016-12-31T23:59:60Z' is a leap second (:60); leap seconds are not supported",
    ];

    private string HostileFile()
    {
        var path = Path.Combine(_directory, "hostile.jsonl");
        File.WriteAllBytes(path, Lines());
        return path;
    }

    // TestData/hostile-events.jsonl, shared with the HTTP test: lines 1 and 8 are valid, 2 to 7 each break one rule.
    internal static byte[] Lines() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "hostile-events.jsonl"));

    [Fact]
    public async Task Ingest_hostile_lines_are_reported_by_line_and_the_rest_is_stored()
    {
        var result = await RunAsync("ingest", "--store", "sqlite:" + Path.Combine(_directory, "h.db"), "--events", HostileFile());

        result.Exit.Should().Be(0, result.Err);
        result.Err.Should().BeEmpty();
        result.Out.Should().Be(string.Join('\n', ["hostile.jsonl into h.db: 8 lines", "stored: 2", "duplicates: 0", "rejected: 6", .. Expected]) + "\n");
    }

    [Fact]
    public async Task Ingest_strict_hostile_file_is_one_line_error_and_stores_nothing()
    {
        var db = Path.Combine(_directory, "s.db");
        var result = await RunAsync("ingest", "--store", "sqlite:" + db, "--events", HostileFile(), "--strict");

        result.Exit.Should().Be(2);
        result.Err.Should().Be("error: invalid --events hostile.jsonl line 2: userId: holds an escaped lone surrogate (\\ud800), which is not text; --strict stored nothing\n");
        var trend = await RunAsync("trend", "--store", "sqlite:" + db, "--bot", "hostile", "--start-date", "2025-12-06", "--end-date", "2025-12-06");
        trend.Exit.Should().Be(2, "nothing of the bot was stored");
    }

    [Fact]
    public async Task Trend_events_with_hostile_lines_is_a_one_line_error_or_warnings_with_lenient()
    {
        string[] trend = ["trend", "--events", HostileFile(), "--bot", "hostile", "--start-date", "2025-12-06", "--end-date", "2025-12-06", "--aggregation-type", "daily"];
        var strict = await RunAsync(trend);
        var lenient = await RunAsync([.. trend, "--lenient"]);

        strict.Exit.Should().Be(2);
        strict.Err.Should().Be("error: invalid --events hostile.jsonl line 2: userId: holds an escaped lone surrogate (\\ud800), which is not text (--lenient skips bad lines)\n");
        lenient.Exit.Should().Be(0, lenient.Err);
        lenient.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(6).And.OnlyContain(l => l.StartsWith("warning: hostile.jsonl line ", StringComparison.Ordinal));
        lenient.Out.Should().Contain("\"uniqueUsers\": 2,");
    }

    [Fact]
    public async Task Events_from_standard_input_are_read_like_a_file()
    {
        var db = Path.Combine(_directory, "stdin.db");
        var previous = EventInput.StandardInput;
        EventInput.StandardInput = () => new MemoryStream(Lines());
        try
        {
            var result = await RunAsync("ingest", "--store", "sqlite:" + db, "--events", "-");
            result.Exit.Should().Be(0, result.Err);
            result.Out.Should().StartWith("standard input into stdin.db: 8 lines\nstored: 2\n");
        }
        finally
        {
            EventInput.StandardInput = previous;
        }
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
