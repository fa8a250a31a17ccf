using System.Text.Json;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// <c>engagement lifecycle</c> and <c>engagement retention</c> (docs/cli.md) on the demo's exported events, held
/// against the engine asked the same question directly, and their refusals.
/// </summary>
public sealed class LifecycleCommandTests : IAsyncLifetime
{
    private const string Zone = "America/New_York";
    private readonly string _directory = Directory.CreateTempSubdirectory("em-lifecycle-").FullName;
    private string _events = null!;
    private EngagementEngine _engine = null!;

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    // The demo's events as a user gets them (demo --export), and an engine over the same file read independently.
    public async Task InitializeAsync()
    {
        _events = Path.Combine(_directory, "demo.jsonl");
        var export = await RunAsync("demo", "--export", _events);
        export.Exit.Should().Be(0, export.Err);
        var read = EventJsonReader.ReadJsonLines(await File.ReadAllTextAsync(_events));
        read.Errors.Should().BeEmpty();
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(read.Events);
        _engine = new EngagementEngine(store);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    // Four weeks and a day of the demo's history, across the 2025-11-02 fall-back.
    private string[] Period(string command) =>
        [command, "--events", _events, "--bot", "demo-bot", "--start-date", "2025-10-08", "--end-date", "2025-11-04", "--time-zone", Zone];

    private static LifecycleQuery LifecycleQuery(LifecycleAggregation aggregation) => new()
    {
        BotId = "demo-bot",
        StartDate = new DateOnly(2025, 10, 8),
        EndDate = new DateOnly(2025, 11, 4),
        TimeZone = TimeZoneParser.Parse(Zone),
        Aggregation = aggregation,
    };

    private static RetentionQuery RetentionQuery(RetentionInterval interval, int periods) => new()
    {
        BotId = "demo-bot",
        StartDate = new DateOnly(2025, 10, 8),
        EndDate = new DateOnly(2025, 11, 4),
        TimeZone = TimeZoneParser.Parse(Zone),
        Interval = interval,
        Periods = periods,
    };

    [Theory]
    [InlineData(null, LifecycleAggregation.Day)]
    [InlineData("hour", LifecycleAggregation.Hour)]
    [InlineData("Day", LifecycleAggregation.Day)]
    [InlineData("week", LifecycleAggregation.Week)]
    [InlineData("MONTH", LifecycleAggregation.Month)]
    public async Task Lifecycle_on_the_demo_data_prints_the_engines_document(string? aggregation, LifecycleAggregation expected)
    {
        var (exit, stdout, stderr) = await RunAsync([.. Period("lifecycle"), .. aggregation is null ? Array.Empty<string>() : ["--aggregation", aggregation]]);

        stderr.Should().BeEmpty();
        exit.Should().Be(0);
        var report = await _engine.GetLifecycleAsync(LifecycleQuery(expected));
        stdout.Should().Be(LifecycleJson.Serialize(report) + "\n");
        report.Buckets.Should().Contain(b => b.New > 0).And.Contain(b => b.Returning > 0).And.Contain(b => b.Resurrecting > 0).And.Contain(b => b.Dormant > 0);
    }

    [Fact]
    public async Task Lifecycle_by_day_adds_up_to_the_trends_unique_and_new_users()
    {
        var (_, stdout, _) = await RunAsync(Period("lifecycle"));
        var trend = await _engine.GetTrendAsync(new TrendQuery
        {
            BotId = "demo-bot",
            StartDate = new DateOnly(2025, 10, 8),
            EndDate = new DateOnly(2025, 11, 4),
            TimeZone = TimeZoneParser.Parse(Zone),
            Aggregation = TrendAggregation.Daily,
        });

        var buckets = JsonDocument.Parse(stdout).RootElement.GetProperty("buckets").EnumerateArray().ToList();
        buckets.Should().HaveCount(28);
        for (var i = 0; i < buckets.Count; i++)
        {
            var b = buckets[i];
            b.GetProperty("period").GetString().Should().Be(trend.Buckets[i].Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            (b.GetProperty("new").GetInt32() + b.GetProperty("returning").GetInt32() + b.GetProperty("resurrecting").GetInt32()).Should().Be(trend.Buckets[i].UniqueUsers, b.ToString());
            b.GetProperty("new").GetInt32().Should().Be(trend.Buckets[i].NewUsers, b.ToString());
            if (i > 0)
            {
                (b.GetProperty("returning").GetInt32() + b.GetProperty("dormant").GetInt32()).Should().Be(trend.Buckets[i - 1].UniqueUsers, "returning + dormant are the day before's users");
            }
        }
    }

    [Theory]
    [InlineData(null, null, RetentionInterval.Day, 8)]
    [InlineData("week", null, RetentionInterval.Week, 8)]
    [InlineData("WEEK", "3", RetentionInterval.Week, 3)]
    [InlineData("day", "30", RetentionInterval.Day, 30)]
    public async Task Retention_on_the_demo_data_prints_the_engines_document(string? interval, string? periods, RetentionInterval expectedInterval, int expectedPeriods)
    {
        string[] args = [.. Period("retention"), .. interval is null ? Array.Empty<string>() : ["--interval", interval], .. periods is null ? Array.Empty<string>() : ["--periods", periods]];

        var (exit, stdout, stderr) = await RunAsync(args);

        stderr.Should().BeEmpty();
        exit.Should().Be(0);
        var report = await _engine.GetRetentionAsync(RetentionQuery(expectedInterval, expectedPeriods));
        stdout.Should().Be(LifecycleJson.Serialize(report) + "\n");
        var cohorts = JsonDocument.Parse(stdout).RootElement.GetProperty("cohorts").EnumerateArray().ToList();
        cohorts.Max(c => c.GetProperty("retained").GetArrayLength()).Should().Be(Math.Min(expectedPeriods, cohorts.Count));
        cohorts.Should().OnlyContain(c => c.GetProperty("retained")[0].GetInt32() == c.GetProperty("users").GetInt32(), "without filters a cohort's own interval holds all of it");
        cohorts.Should().Contain(c => c.GetProperty("users").GetInt32() > 0 && c.GetProperty("retained").GetArrayLength() > 1 && c.GetProperty("retained")[1].GetInt32() > 0, "demo newcomers come back");
    }

    [Fact]
    public async Task The_filters_reach_the_engine()
    {
        var lifecycle = await RunAsync([.. Period("lifecycle"), "--aggregation", "week", "--channels", "slack,WhatsApp", "--conversation-type", "interactive", "--conversation-status", "closed"]);
        var retention = await RunAsync([.. Period("retention"), "--channels", "rtm"]);

        var filtered = LifecycleQuery(LifecycleAggregation.Week) with { Channels = ["slack", "WhatsApp"], ConversationType = ConversationTypeFilter.Interactive, ConversationStatus = ConversationStatusFilter.Closed };
        lifecycle.Out.Should().Be(LifecycleJson.Serialize(await _engine.GetLifecycleAsync(filtered)) + "\n");
        lifecycle.Out.Should().NotBe(LifecycleJson.Serialize(await _engine.GetLifecycleAsync(LifecycleQuery(LifecycleAggregation.Week))) + "\n", "the filters change the counts");
        retention.Out.Should().Be(LifecycleJson.Serialize(await _engine.GetRetentionAsync(RetentionQuery(RetentionInterval.Day, 8) with { Channels = ["rtm"] })) + "\n");
    }

    [Fact]
    public async Task A_store_prints_what_the_events_file_prints()
    {
        var store = "sqlite:" + Path.Combine(_directory, "demo.db");
        (await RunAsync("ingest", "--store", store, "--events", _events)).Exit.Should().Be(0);

        foreach (var command in new[] { "lifecycle", "retention" })
        {
            var fromFile = await RunAsync(Period(command));
            var fromStore = await RunAsync([.. Period(command).Select(a => a == _events ? store : a == "--events" ? "--store" : a), "--output", "csv"]);
            var fileCsv = await RunAsync([.. Period(command), "--output", "csv"]);

            fromStore.Exit.Should().Be(0, fromStore.Err);
            fromStore.Out.Should().Be(fileCsv.Out, command);
            fromFile.Out.Should().StartWith("{");
        }
    }

    [Fact]
    public async Task Csv_is_the_documented_header_and_the_engines_rows()
    {
        var lifecycle = await RunAsync([.. Period("lifecycle"), "--aggregation", "week", "--output", "csv"]);
        var retention = await RunAsync([.. Period("retention"), "--interval", "week", "--output", "csv"]);

        lifecycle.Out.Should().StartWith("period,new,returning,resurrecting,dormant\r\n2025-W41,");
        lifecycle.Out.Should().Be(EngagementCsv.Lifecycle(await _engine.GetLifecycleAsync(LifecycleQuery(LifecycleAggregation.Week))).ToCsv());
        retention.Out.Should().StartWith("cohort,users,retained[0],retained[1],retained[2],retained[3],retained[4],percent[0],percent[1],percent[2],percent[3],percent[4]\r\n2025-W41,");
        retention.Out.Should().Be(EngagementCsv.Retention(await _engine.GetRetentionAsync(RetentionQuery(RetentionInterval.Week, 8))).ToCsv());
    }

    [Theory]
    [InlineData("lifecycle", "--aggregation", "year")]
    [InlineData("lifecycle", "--aggregation", "hourly")]
    [InlineData("lifecycle", "--time-zone", "330")]
    [InlineData("lifecycle", "--conversation-status", "open")]
    [InlineData("lifecycle", "--end-date", "2025-10-01")]
    [InlineData("lifecycle", "--end-date", "2026-11-04")]
    [InlineData("lifecycle", "--start-date", "2025-02-30")]
    [InlineData("lifecycle", "--bot", "nobody")]
    [InlineData("lifecycle", "--output", "xml")]
    [InlineData("retention", "--interval", "month")]
    [InlineData("retention", "--periods", "0")]
    [InlineData("retention", "--periods", "1001")]
    [InlineData("retention", "--periods", "eight")]
    [InlineData("retention", "--conversation-type", "sometimes")]
    [InlineData("retention", "--end-date", "2025-10-01")]
    [InlineData("retention", "--bot", "nobody")]
    public async Task A_bad_value_is_one_line_naming_the_option_and_the_value_and_exit_two(string command, string option, string value)
    {
        var run = await RunAsync(Refusal.WithOption(Period(command), option, value));

        run.ShouldBeOneLineNaming(option, value);
    }

    [Fact]
    public async Task Lifecycle_takes_no_retention_option_and_retention_no_aggregation()
    {
        var lifecycle = await RunAsync([.. Period("lifecycle"), "--periods", "3"]);
        var retention = await RunAsync([.. Period("retention"), "--aggregation", "week"]);

        lifecycle.Exit.Should().Be(2);
        lifecycle.Err.Should().StartWith("error: unknown option '--periods' for lifecycle");
        retention.Exit.Should().Be(2);
        retention.Err.Should().StartWith("error: unknown option '--aggregation' for retention");
    }
}
