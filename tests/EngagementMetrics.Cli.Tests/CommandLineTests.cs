using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary>The command line as a newcomer meets it: typos, a missing command, a sample file to go on with, bad settings.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-cli-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(new[] { "trends" }, "error: 'trends' is not a command; did you mean 'trend'? (engagement --help lists them)")]
    [InlineData(new[] { "ingst", "--store", "sqlite:x.db" }, "error: 'ingst' is not a command; did you mean 'ingest'? (engagement --help lists them)")]
    [InlineData(new[] { "report" }, "error: 'report' is not a command; the commands are trend, lifecycle, retention, ingest, migrate, stats, busier-hourly, busier-weekly, demo, serve")]
    [InlineData(new string[0], "error: a command is required: trend, lifecycle, retention, ingest, migrate, stats, busier-hourly, busier-weekly, demo, serve (engagement --help says what each does)")]
    [InlineData(new[] { "trend", "--bot", "b", "--start-date", "2025-01-01", "--end-date", "2025-01-02", "--evnts", "x.jsonl" }, "error: unknown option '--evnts' for trend; did you mean '--events'? (engagement trend --help lists them)")]
    [InlineData(new[] { "stats", "--acount", "a", "--bot", "*", "--types", "2" }, "error: unknown option '--acount' for stats; did you mean '--account'? (engagement stats --help lists them)")]
    [InlineData(new[] { "demo", "--zzz" }, "error: unknown option '--zzz' for demo; it takes --seed, --export")]
    public async Task A_mistyped_or_missing_command_or_option_is_one_line_naming_the_nearest(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        exit.Should().Be(EngagementCli.BadInput);
        stderr.Should().Be(expected + Environment.NewLine);
        stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Demo_export_writes_a_file_that_ingest_and_trend_take_as_the_demo_shows()
    {
        var file = Path.Combine(_directory, "demo.jsonl");
        var (exit, stdout, _) = await RunAsync(["demo", "--export", file]);
        exit.Should().Be(0);
        stdout.Should().StartWith($"demo: 5859 events of bot demo-bot written to {file}").And.Contain("next: engagement ingest --store sqlite:demo.db --events ");

        var database = Path.Combine(_directory, "demo.db");
        (await RunAsync(["ingest", "--store", $"sqlite:{database}", "--events", file])).Exit.Should().Be(0);
        string[] trend = ["trend", "--bot", Demo.BotId, "--start-date", "2025-10-29", "--end-date", "2025-11-04", "--aggregation-type", "daily", "--time-zone", Demo.Zone];
        var fromStore = await RunAsync([.. trend, "--store", $"sqlite:{database}"]);
        var fromFile = await RunAsync([.. trend, "--events", file]);

        fromStore.Exit.Should().Be(0, fromStore.Stderr);
        fromStore.Stdout.Should().Be(fromFile.Stdout).And.Contain("\"uniqueUsers\": 121");
    }

    [Fact]
    public async Task Demo_export_to_a_missing_directory_is_one_line()
    {
        var target = Path.Combine(_directory, "missing", "demo.jsonl");

        var (exit, _, stderr) = await RunAsync(["demo", "--export", target]);

        exit.Should().Be(EngagementCli.BadInput);
        stderr.Should().StartWith($"error: invalid --export '{target}': ").And.NotContain("   at ");
    }

    [Theory]
    [InlineData("""{"EngagementMetrics": """, "error: invalid settings: {0} is not valid JSON (line 2, byte 1)")]
    [InlineData("""{"EngagementMetrics": {"Endpoints": {"MaxIngestBytes": "ten"}}}""", "error: invalid settings: Failed to convert configuration value 'ten' at 'EngagementMetrics:Endpoints:MaxIngestBytes' to type 'System.Int64'.")]
    [InlineData("""{"EngagementMetrics": {"Store": {"QueryCacheBytes": -5}}}""", "error: invalid settings: EngagementMetrics:Store:QueryCacheBytes -5 is negative: give 0 to turn the query cache off")]
    [InlineData("""{"EngagementMetrics": {"Store": {"QueryCacheBytes": "lots"}}}""", "error: invalid settings: Failed to convert configuration value 'lots' at 'EngagementMetrics:Store:QueryCacheBytes' to type 'System.Int64'.")]
    public async Task Serve_with_bad_settings_stops_at_once_with_one_line_and_creates_no_store(string settings, string expected)
    {
        var file = Path.Combine(_directory, "appsettings.json");
        await File.WriteAllTextAsync(file, settings + "\n");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "engagement.dll"), "serve", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        process.ExitCode.Should().Be(EngagementCli.BadInput);
        (await stderr).Should().Be(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, file) + "\n");
        File.Exists(Path.Combine(_directory, "engagement.db")).Should().BeFalse("nothing is opened before the settings are read");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
