namespace EngagementMetrics.Cli.Tests;

public class TrendCommandTests
{
    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    private static string Data(string name) => File.ReadAllText(DataPath(name)).ReplaceLineEndings("\n").TrimEnd('\n');

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] SeedArgs = ["trend", "--bot", "st-demo", "--start-date", "2025-12-01", "--end-date", "2025-12-05", "--time-zone", "Asia/Kolkata"];

    [Theory]
    [InlineData("daily", "kore-v2-daily.json")]
    [InlineData("DAILY", "kore-v2-daily.json")]
    [InlineData("hourly", "kore-v2-hourly.json")]
    [InlineData(null, "kore-v2-hourly.json")]
    public async Task Trend_ReproducesTheDocumentedV2Examples(string? aggregation, string golden)
    {
        string[] args = [.. SeedArgs, "--events", DataPath("kore-v2-events.jsonl"), .. aggregation is null ? Array.Empty<string>() : ["--aggregation-type", aggregation]];
        var (exit, stdout, stderr) = await RunAsync(args);
        stderr.Should().BeEmpty();
        exit.Should().Be(0);
        stdout.Should().Be(Data(golden) + "\n");
    }

    [Fact]
    public async Task Trend_FormatV1_PrintsUniqueUsersOnly()
    {
        var (exit, stdout, _) = await RunAsync([.. SeedArgs, "--events", DataPath("kore-v2-events.jsonl"), "--aggregation-type", "Daily", "--format", "V1"]);
        exit.Should().Be(0);
        stdout.Should().StartWith("{\n  \"results\": [\n    {\n      \"date\": \"Dec 01 2025\",\n      \"users\": 0\n    },").And.EndWith("\"totalResults\": 5\n}\n");
    }

    [Theory]
    [InlineData("--time-zone", "330", "--time-zone")]
    [InlineData("--time-zone", "Mars/Base", "--time-zone")]
    [InlineData("--aggregation-type", "weekly", "--aggregation-type")]
    [InlineData("--conversation-type", "sometimes", "--conversation-type")]
    [InlineData("--conversation-status", "open", "--conversation-status")]
    [InlineData("--end-date", "2025-11-30", "--end-date")]
    [InlineData("--end-date", "2025-13-01", "--end-date")]
    [InlineData("--format", "v3", "--format")]
    [InlineData("--bot", "nobody", "--bot")]
    public async Task Trend_BadOption_PrintsOneLineErrorNamingItAndExitsTwo(string option, string value, string named)
    {
        var run = await RunAsync(Refusal.WithOption([.. SeedArgs, "--events", DataPath("kore-v2-events.jsonl")], option, value));

        run.ShouldBeOneLineNaming(named, value);
    }

    [Fact]
    public async Task Trend_MissingRequiredOption_ExitsTwo()
    {
        var (exit, stdout, stderr) = await RunAsync("trend", "--bot", "b", "--start-date", "2025-01-01", "--end-date", "2025-01-02");
        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("error: ").And.Contain("--events").And.Contain("--store");
    }

    [Fact]
    public async Task Trend_BadEventsLine_IsRefusedStrictlyAndSkippedLeniently()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file,
            [
                """{"botId":"b","userId":"a","timestamp":"2025-01-01T10:00:00Z","kind":"message_in"}""",
                """{"botId":"b","userId":"c","timestamp":"yesterday","kind":"message_in"}""",
                """{"botId":"b","userId":"d","timestamp":"2025-01-01T11:00:00Z","kind":"message_in"}""",
            ]);
            string[] args = ["trend", "--events", file, "--bot", "b", "--start-date", "2025-01-01", "--end-date", "2025-01-01", "--aggregation-type", "daily"];

            var strict = await RunAsync(args);
            strict.Exit.Should().Be(2);
            strict.Out.Should().BeEmpty();
            strict.Err.Should().Contain("line 2: timestamp: 'yesterday'");

            var lenient = await RunAsync([.. args, "--lenient"]);
            lenient.Exit.Should().Be(0);
            lenient.Err.Should().Contain("warning: ").And.Contain("line 2: timestamp");
            lenient.Out.Should().Contain("\"uniqueUsers\": 2");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Trend_MissingEventsFile_ExitsTwoNamingIt()
    {
        var (exit, _, stderr) = await RunAsync([.. SeedArgs, "--events", "/nonexistent/events.jsonl"]);
        exit.Should().Be(2);
        stderr.Should().Contain("--events").And.Contain("not found");
    }

    [Fact]
    public async Task Trend_FiltersAreAppliedAndEchoedInLowerCase()
    {
        var (exit, stdout, _) = await RunAsync([.. SeedArgs, "--events", DataPath("kore-v2-events.jsonl"), "--aggregation-type", "daily", "--conversation-status", "Closed", "--conversation-type", "Non_Interactive", "--channels", "RTM"]);
        exit.Should().Be(0);
        stdout.Should().Contain("\"conversationType\": \"non interactive\"").And.Contain("\"conversationStatus\": \"closed\"").And.Contain("\"uniqueUsers\": 0");
        var closed = await RunAsync([.. SeedArgs, "--events", DataPath("kore-v2-events.jsonl"), "--aggregation-type", "daily", "--conversation-status", "closed"]);
        closed.Out.Should().Contain("\"uniqueUsers\": 1");
    }

    [Fact]
    public async Task Demo_PrintsATableAndTheV2Document()
    {
        var (exit, stdout, stderr) = await RunAsync("demo");
        exit.Should().Be(0);
        stderr.Should().BeEmpty();
        stdout.Should().Contain("Sun 2025-11-02").And.Contain("Returning").And.Contain("\"uniqueUsersTrend\"").And.NotContain("\u001b[");
    }
}
