using System.Text;
using EngagementMetrics.Json;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Cli.Tests;

/// <summary><c>--output json|csv|table</c> of every query command (docs/cli.md).</summary>
public class OutputOptionTests
{
    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] Trend = ["trend", "--events", DataPath("kore-v2-events.jsonl"), "--bot", "st-demo", "--start-date", "2025-12-01", "--end-date", "2025-12-05", "--time-zone", "Asia/Kolkata"];
    private static readonly string[] Stats = ["stats", "--events", DataPath("statistics-rows-events.jsonl"), "--account", "acme", "--bot", "*", "--types", "0,1,2,3,8,10", "--days", "2", "--now", "2025-12-07T12:00:00Z"];

    // Each query command, the document its JSON is, and the CSV header that document's rows have (docs/schemas.md).
    public static TheoryData<string, string[], string, string> Queries => new()
    {
        { "trend v2 daily", [.. Trend, "--aggregation-type", "daily"], "kore-v2", "trend,date,users" },
        { "trend v2 hourly", Trend, "kore-v2", "trend,date," + string.Join(',', KoreTrendJson.HourlyKeys) },
        { "trend v1 daily", [.. Trend, "--aggregation-type", "daily", "--format", "v1"], "kore-v1", "date,users" },
        { "trend v1 hourly", [.. Trend, "--format", "v1"], "kore-v1", "date," + string.Join(',', KoreTrendJson.HourlyKeys) },
        { "busier-hourly", ["busier-hourly", "--events", DataPath("rocketchat-events.jsonl"), "--bot", "rc-demo", "--start", "2023-05-19T00:00:00.000Z"], "rocketchat-hourly", "users,hour" },
        { "busier-weekly", ["busier-weekly", "--events", DataPath("rocketchat-events.jsonl"), "--bot", "rc-weekly", "--start", "2023-05-19T00:00:00.000Z"], "rocketchat-weekly", "users,day,month,year" },
        { "stats series", Stats, "statistics-series", "type,name,period,value" },
        { "stats rows", [.. Stats, "--format", "rows"], "statistics-rows", "GroupLabel,BotName,ChannelName,EventLabel,EventType,Value" },
        { "lifecycle", ["lifecycle", .. Trend.Skip(1)], "lifecycle", "period,new,returning,resurrecting,dormant" },
        { "lifecycle hourly", ["lifecycle", .. Trend.Skip(1), "--aggregation", "hour"], "lifecycle", "period,new,returning,resurrecting,dormant" },
        { "retention", ["retention", .. Trend.Skip(1)], "retention", "cohort,users," + string.Join(',', Enumerable.Range(0, 5).Select(i => $"retained[{i}]")) + "," + string.Join(',', Enumerable.Range(0, 5).Select(i => $"percent[{i}]")) },
    };

    public static TheoryData<string, string[]> Commands()
    {
        var commands = new TheoryData<string, string[]>();
        foreach (var query in Queries)
        {
            commands.Add((string)query[0], (string[])query[1]);
        }

        return commands;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Output_json_is_the_default_and_prints_the_same_bytes(string name, string[] args)
    {
        var plain = await RunAsync(args);
        var json = await RunAsync([.. args, "--output", "json"]);
        var upper = await RunAsync([.. args, "--output", "JSON"]);

        plain.Exit.Should().Be(0, name);
        plain.Out[0].Should().BeOneOf('{', '[');
        json.Out.Should().Be(plain.Out);
        upper.Out.Should().Be(plain.Out);
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Output_csv_prints_the_documents_rows_under_their_JSON_field_names(string name, string[] args, string document, string header)
    {
        var json = await RunAsync(args);
        var csv = await RunAsync([.. args, "--output", "csv"]);

        csv.Err.Should().BeEmpty();
        csv.Exit.Should().Be(0, name);
        csv.Out.Should().StartWith(header + "\r\n").And.EndWith("\r\n").And.NotEndWith("\r\n\r\n");
        var rows = Rfc4180.Parse(Encoding.UTF8.GetBytes(csv.Out));
        rows.Should().BeEquivalentTo(DocumentRows.Read(json.Out, document), o => o.WithStrictOrdering(), name);
        rows.Count.Should().BeGreaterThan(1);
        (await RunAsync([.. args, "--output", "Csv"])).Out.Should().Be(csv.Out, "values match in any letter case");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Output_table_shows_every_cell_in_aligned_columns(string name, string[] args)
    {
        var csv = await RunAsync([.. args, "--output", "csv"]);
        var table = await RunAsync([.. args, "--output", "table"]);

        table.Exit.Should().Be(0, name);
        table.Out.Should().NotContain("\u001b[", "no colours when the output is not a terminal");
        TableRows(table.Out).Should().BeEquivalentTo(Rfc4180.Parse(Encoding.UTF8.GetBytes(csv.Out)), o => o.WithStrictOrdering(), name);
        table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Length).Distinct().Should().ContainSingle("every line of one table is as wide as the others");
    }

    [Fact]
    public async Task Output_table_right_aligns_numbers_and_left_aligns_text()
    {
        var table = await RunAsync(["busier-weekly", "--events", DataPath("rocketchat-events.jsonl"), "--bot", "rc-weekly", "--start", "2023-05-19T00:00:00.000Z", "--output", "table"]);

        table.Out.Should().Contain("│ users │ day │ month │ year │\n").And.Contain("│     1 │  19 │     5 │ 2023 │\n");
        var stats = await RunAsync([.. Stats, "--format", "rows", "--output", "table"]);
        stats.Out.Should().Contain("│ 2025-12-06 │ b1      │ rtm         │ Conversation Length │         8 │       │\n", "null is an empty cell");
    }

    [Fact]
    public async Task A_table_wider_than_the_console_is_split_into_tables_that_fit_each_repeating_the_text_columns()
    {
        var trend = await SeedTrend.ComputeAsync(TrendAggregation.Hourly);
        var csv = EngagementCsv.KoreV2(trend);
        using var stdout = new StringWriter { NewLine = "\n" };

        QueryOutput.WriteTable(stdout, csv, consoleWidth: 100);

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().OnlyContain(l => l.Length <= 100);
        var slices = stdout.ToString().Split("\n\n").Select(TableRows).ToList();
        slices.Should().HaveCountGreaterThan(2);
        var expected = Rfc4180.Parse(Encoding.UTF8.GetBytes(csv.ToCsv()));
        var columns = 2;
        foreach (var slice in slices)
        {
            slice.Should().HaveCount(expected.Count);
            slice[0].Take(2).Should().Equal("trend", "date");
            for (var row = 0; row < expected.Count; row++)
            {
                slice[row].Should().Equal([.. expected[row].Take(2), .. expected[row].Skip(columns).Take(slice[row].Count - 2)]);
            }

            columns += slice[0].Count - 2;
        }

        columns.Should().Be(26, "every hour column is in one of the tables, once");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_bad_output_is_one_line_naming_the_option_and_the_value(string name, string[] args)
    {
        var (exit, stdout, stderr) = await RunAsync([.. args, "--output", "xml"]);

        exit.Should().Be(2, name);
        stdout.Should().BeEmpty();
        stderr.Should().Be("error: invalid --output 'xml': expected json, csv or table\n");
    }

    // The cells of the body lines of a table (the lines between its vertical borders), header first.
    private static List<List<string>> TableRows(string text) =>
        [.. text.Split('\n').Where(l => l.StartsWith('│')).Select(l => l.Trim('│').Split('│').Select(c => c.Trim()).ToList())];
}
