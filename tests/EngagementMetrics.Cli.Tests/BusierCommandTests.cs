using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary><c>engagement busier-hourly</c> and <c>busier-weekly</c>.</summary>
public sealed class BusierCommandTests : IDisposable
{
    private static readonly string Events = Path.Combine(AppContext.BaseDirectory, "TestData", "rocketchat-events.jsonl");
    private readonly string _directory = Directory.CreateTempSubdirectory("em-busier-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name)).ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    [Theory]
    [InlineData("busier-hourly", "rc-demo", "rocketchat-hourly.json")]
    [InlineData("busier-weekly", "rc-weekly", "rocketchat-weekly.json")]
    public async Task Prints_the_documented_examples_from_a_file_and_from_a_store(string command, string bot, string golden)
    {
        var store = "sqlite:" + Path.Combine(_directory, "rc.db");
        (await RunAsync("ingest", "--store", store, "--events", Events)).Exit.Should().Be(0);

        var fromFile = await RunAsync(command, "--events", Events, "--bot", bot, "--start", "2023-05-19T00:00:00.000Z");
        var fromStore = await RunAsync(command, "--store", store, "--bot", bot, "--start", "2023-05-19T00:00:00.000Z", "--time-zone", "utc");

        fromFile.Err.Should().BeEmpty();
        fromFile.Exit.Should().Be(0);
        fromFile.Out.Should().Be(Data(golden));
        fromStore.Out.Should().Be(fromFile.Out);
    }

    [Theory]
    [InlineData("2023-05-T00:00:00.000Z", "invalid --start '2023-05-T00:00:00.000Z'")]
    [InlineData("tomorrow", "Match error: Failed Match.Where validation in field start")]
    public async Task A_malformed_start_is_one_line_naming_the_option(string start, string message)
    {
        var result = await RunAsync("busier-hourly", "--events", Events, "--bot", "rc-demo", "--start", start);

        result.Exit.Should().Be(2);
        result.Out.Should().BeEmpty();
        result.Err.Should().StartWith("error: ").And.Contain(message);
        result.Err.TrimEnd('\n').Should().NotContain("\n");
    }

    [Fact]
    public async Task A_missing_start_or_an_unknown_bot_is_bad_input()
    {
        var missing = await RunAsync("busier-weekly", "--events", Events, "--bot", "rc-demo");
        var unknown = await RunAsync("busier-weekly", "--events", Events, "--bot", "nobody", "--start", "2023-05-19T00:00:00Z");

        missing.Exit.Should().Be(2);
        missing.Err.Should().Contain("--start");
        unknown.Exit.Should().Be(2);
        unknown.Err.Should().Contain("--bot 'nobody'");
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
