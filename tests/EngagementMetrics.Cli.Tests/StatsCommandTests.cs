using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary><c>engagement stats</c>.</summary>
public sealed class StatsCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-stats-").FullName;
    private readonly string _events;

    public StatsCommandTests()
    {
        _events = Path.Combine(_directory, "events.jsonl");
        File.WriteAllLines(_events,
        [
            """{"eventId":"1","accountId":"acme","botId":"b1","userId":"u1","conversationId":"c1","timestamp":"2025-12-06T09:00:00Z","kind":"message_in","intentMatched":true}""",
            """{"eventId":"2","botId":"b1","userId":"u1","conversationId":"c1","timestamp":"2025-12-06T09:00:42Z","kind":"message_out"}""",
            """{"eventId":"3","botId":"b1","conversationId":"c1","timestamp":"2025-12-06T09:10:00Z","kind":"conversation_closed"}""",
            """{"eventId":"4","botId":"b1","timestamp":"2025-12-07T08:00:00Z","kind":"tag_hit","tag":"vip"}""",
            """{"eventId":"5","accountId":"acme","botId":"b2","userId":"u1","timestamp":"2025-12-07T08:00:00Z","kind":"message_in"}""",
            """{"eventId":"6","accountId":"other","botId":"x1","userId":"z","timestamp":"2025-12-07T08:00:00Z","kind":"message_in"}""",
        ]);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Prints_the_statistics_document_for_the_pinned_clock_from_a_file_and_from_a_store()
    {
        string[] args = ["stats", "--account", "acme", "--bot", "*", "--types", "2,3,8,16", "--group-mode", "day", "--days", "2", "--now", "2025-12-07T12:00:00Z"];
        var store = "sqlite:" + Path.Combine(_directory, "s.db");
        (await RunAsync("ingest", "--store", store, "--events", _events)).Exit.Should().Be(0);

        var fromFile = await RunAsync([.. args, "--events", _events]);
        var fromStore = await RunAsync([.. args, "--store", store]);

        fromFile.Err.Should().BeEmpty();
        fromFile.Exit.Should().Be(0);
        fromFile.Out.Should().StartWith("{\n  \"account\": \"acme\",\n  \"bot\": \"*\",\n  \"groupMode\": \"day\",\n  \"days\": 2,\n  \"timeZone\": \"UTC\",\n  \"from\": \"2025-12-06\",\n  \"to\": \"2025-12-07\",");
        var compact = fromFile.Out.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);
        compact.Should().Contain("""{"type":2,"name":"ActiveUser","points":[{"period":"2025-12-06","value":1},{"period":"2025-12-07","value":1}]}""");
        compact.Should().Contain("""{"type":3,"name":"Messages","points":[{"period":"2025-12-06","value":2},{"period":"2025-12-07","value":1}]}""");
        compact.Should().Contain("""{"type":8,"name":"ConversationLength","points":[{"period":"2025-12-06","value":600},{"period":"2025-12-07","value":null}]}""");
        compact.Should().Contain("""{"type":16,"name":"TimeToFirstMessage","points":[{"period":"2025-12-06","value":42},{"period":"2025-12-07","value":null}]}""");
        fromStore.Out.Should().Be(fromFile.Out);
    }

    [Fact]
    public async Task Format_rows_prints_the_row_array_from_a_file_and_from_a_store_and_series_stays_the_default()
    {
        string[] args = ["stats", "--account", "acme", "--bot", "*", "--types", "2,3", "--days", "2", "--now", "2025-12-07T12:00:00Z"];
        var store = "sqlite:" + Path.Combine(_directory, "r.db");
        (await RunAsync("ingest", "--store", store, "--events", _events)).Exit.Should().Be(0);

        var fromFile = await RunAsync([.. args, "--events", _events, "--format", "rows"]);
        var fromStore = await RunAsync([.. args, "--store", store, "--format", "rows"]);
        var series = await RunAsync([.. args, "--events", _events, "--format", "series"]);
        var byDefault = await RunAsync([.. args, "--events", _events]);

        fromFile.Exit.Should().Be(0, fromFile.Err);
        fromFile.Out.Should().StartWith("[\n  {\n    \"GroupLabel\": \"2025-12-06\",\n    \"BotName\": \"b1\",");
        fromFile.Out.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Should().Be(
            """[{"GroupLabel":"2025-12-06","BotName":"b1","ChannelName":"default","EventLabel":"ActiveUser","EventType":2,"Value":1},"""
            + """{"GroupLabel":"2025-12-06","BotName":"b1","ChannelName":"default","EventLabel":"Messages","EventType":3,"Value":2},"""
            + """{"GroupLabel":"2025-12-06","BotName":"b2","ChannelName":"default","EventLabel":"ActiveUser","EventType":2,"Value":0},"""
            + """{"GroupLabel":"2025-12-06","BotName":"b2","ChannelName":"default","EventLabel":"Messages","EventType":3,"Value":0},"""
            + """{"GroupLabel":"2025-12-07","BotName":"b1","ChannelName":"default","EventLabel":"ActiveUser","EventType":2,"Value":0},"""
            + """{"GroupLabel":"2025-12-07","BotName":"b1","ChannelName":"default","EventLabel":"Messages","EventType":3,"Value":0},"""
            + """{"GroupLabel":"2025-12-07","BotName":"b2","ChannelName":"default","EventLabel":"ActiveUser","EventType":2,"Value":1},"""
            + """{"GroupLabel":"2025-12-07","BotName":"b2","ChannelName":"default","EventLabel":"Messages","EventType":3,"Value":1}]""");
        fromStore.Out.Should().Be(fromFile.Out);
        series.Out.Should().StartWith("{\n  \"account\": \"acme\",");
        byDefault.Out.Should().Be(series.Out);
    }

    [Theory]
    [InlineData("--format", "csv", "invalid --format 'csv': expected rows or series")]
    [InlineData("--types", "19", "invalid --types '19'")]
    [InlineData("--types", "18", "only available on the bot endpoint")]
    [InlineData("--days", "31", "invalid --days '31'")]
    [InlineData("--group-mode", "week", "invalid --group-mode 'week'")]
    [InlineData("--now", "noon", "invalid --now 'noon'")]
    [InlineData("--bot", "x1", "invalid --bot 'x1' for --account 'acme': The specified account or bot has not been found.")]
    public async Task Bad_input_is_one_line_naming_the_option(string option, string value, string message)
    {
        var args = new List<string> { "stats", "--events", _events, "--account", "acme", "--bot", "*", "--types", "2", "--now", "2025-12-07T12:00:00Z" };
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var result = await RunAsync([.. args]);

        result.Exit.Should().Be(2);
        result.Out.Should().BeEmpty();
        result.Err.Should().StartWith("error: ").And.Contain(message);
        result.Err.TrimEnd('\n').Should().NotContain("\n");
    }

    [Fact]
    public async Task One_bot_may_ask_for_tag_hits()
    {
        var result = await RunAsync("stats", "--events", _events, "--account", "acme", "--bot", "b1", "--types", "18", "--days", "1", "--now", "2025-12-07T12:00:00Z");

        result.Exit.Should().Be(0, result.Err);
        result.Out.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal)
            .Should().Contain("""{"type":18,"name":"TagHit","points":[{"period":"2025-12-07","value":1}]}""");
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
