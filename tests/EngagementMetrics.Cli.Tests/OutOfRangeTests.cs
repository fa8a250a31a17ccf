namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// Instants and dates at the ends of the calendar (years 1 and 9999, also once a zone's offset is applied) are one
/// line naming the option and the value as typed, exit code 2; never an exception.
/// </summary>
public sealed class OutOfRangeTests
{
    private static readonly string Kore = Path.Combine(AppContext.BaseDirectory, "TestData", "kore-v2-events.jsonl");
    private static readonly string RocketChat = Path.Combine(AppContext.BaseDirectory, "TestData", "rocketchat-events.jsonl");

    public static TheoryData<string[], string> Cases => new()
    {
        { ["stats", "--now", "0001-01-01T00:00:00Z"], "error: invalid --now '0001-01-01T00:00:00Z': the last 7 local days (UTC) must lie between years 2 and 9998" },
        { ["stats", "--now", "9999-12-31T23:00:00Z", "--time-zone", "+14:00"], "error: invalid --now '9999-12-31T23:00:00Z': the last 7 local days (UTC+14:00) must lie between years 2 and 9998" },
        { ["stats", "--now", "9999-12-31T23:59:59Z"], "error: invalid --now '9999-12-31T23:59:59Z': " },
        { ["stats", "--now", "0002-01-02T00:00:00Z", "--time-zone", "-12:00"], "error: invalid --now '0002-01-02T00:00:00Z': the last 7 local days (UTC-12:00) must lie between years 2 and 9998" },
        { ["busier-hourly", "--start", "0001-01-01T00:00:00Z"], "error: invalid --start '0001-01-01T00:00:00Z': start must lie between years 2 and 9998" },
        { ["busier-weekly", "--start", "0001-01-01T00:00:00Z"], "error: invalid --start '0001-01-01T00:00:00Z': start must lie between years 2 and 9998" },
        { ["busier-hourly", "--start", "9999-12-31T23:59:59Z"], "error: invalid --start '9999-12-31T23:59:59Z': start must lie between years 2 and 9998" },
        { ["busier-weekly", "--start", "0002-01-03T00:00:00Z", "--time-zone", "-12:00"], "error: invalid --start '0002-01-03T00:00:00Z': the local dates 0001-12-26 to 0002-01-02 (UTC-12:00) must lie between years 2 and 9998" },
        { ["busier-weekly", "--start", "9998-12-31T23:59:59Z", "--time-zone", "+14:00"], "error: invalid --start '9998-12-31T23:59:59Z': the local dates 9998-12-25 to 9999-01-01 (UTC+14:00) must lie between years 2 and 9998" },
        { ["trend", "--start-date", "0001-01-01", "--end-date", "0001-01-02"], "error: invalid --start-date '0001-01-01': dates must lie between years 2 and 9998" },
        { ["trend", "--start-date", "9999-12-30", "--end-date", "9999-12-31", "--time-zone", "-12:00"], "error: invalid --end-date '9999-12-31': dates must lie between years 2 and 9998" },
        { ["trend", "--start-date", "0001-01-01", "--end-date", "9999-12-31"], "error: invalid --end-date '9999-12-31': the period 0001-01-01 to 9999-12-31 is 3652059 days" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_out_of_range_instant_or_date_is_one_line_naming_the_option_and_value(string[] args, string error)
    {
        var result = await RunAsync(Complete(args));

        result.Exit.Should().Be(EngagementCli.BadInput, result.Err);
        result.Out.Should().BeEmpty();
        result.Err.Should().StartWith(error);
        result.Err.TrimEnd('\n').Should().NotContain("\n", "the error is one line, without a stack trace");
    }

    [Theory]
    [InlineData("stats", "--now", "0002-01-08T00:00:00Z", "--time-zone", "+00:00")]
    [InlineData("stats", "--now", "9998-12-31T09:59:59Z", "--time-zone", "+14:00")]
    [InlineData("busier-hourly", "--start", "0002-01-01T00:00:00Z", "--time-zone", "-12:00")]
    [InlineData("busier-hourly", "--start", "9998-12-31T23:59:59Z", "--time-zone", "+14:00")]
    [InlineData("busier-weekly", "--start", "0002-01-09T00:00:00Z", "--time-zone", "-12:00")]
    [InlineData("busier-weekly", "--start", "9998-12-31T09:59:59Z", "--time-zone", "+14:00")]
    [InlineData("trend", "--start-date", "0002-01-01", "--end-date", "0002-01-02", "--time-zone", "+14:00")]
    [InlineData("trend", "--start-date", "9998-12-30", "--end-date", "9998-12-31", "--time-zone", "-12:00")]
    public async Task The_last_instants_and_dates_in_range_still_answer(params string[] args)
    {
        var result = await RunAsync(Complete(args));

        result.Err.Should().BeEmpty();
        result.Exit.Should().Be(EngagementCli.Ok);
    }

    // The rest of a valid command line around the options under test.
    private static string[] Complete(string[] args) => args[0] switch
    {
        "stats" => [.. args, "--events", Kore, "--account", "default", "--bot", "*", "--types", "2,3"],
        "trend" => [.. args, "--events", Kore, "--bot", "st-demo"],
        _ => [.. args, "--events", RocketChat, "--bot", "rc-demo"],
    };

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
