using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

/// <summary>The lifecycle and retention documents byte for byte, and their parameters as a front door reads them.</summary>
public class LifecycleDocumentTests
{
    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name)).ReplaceLineEndings("\n").TrimEnd('\n');

    private static async Task<EngagementEngine> EngineAsync(IEnumerable<Events.InteractionEvent> events)
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events.ToList());
        return new EngagementEngine(store);
    }

    private static async Task<LifecycleReport> SpecLifecycleAsync() =>
        await (await EngineAsync(LifecycleTests.SpecLifecycleEvents("b1"))).GetLifecycleAsync(new LifecycleQuery
        {
            BotId = "b1",
            StartDate = new DateOnly(2025, 12, 1),
            EndDate = new DateOnly(2025, 12, 3),
            TimeZone = TimeZoneParser.Parse("Asia/Kolkata"),
            Aggregation = LifecycleAggregation.Day,
        });

    private static async Task<RetentionReport> SpecRetentionAsync() =>
        await (await EngineAsync(LifecycleTests.SpecRetentionEvents("b1"))).GetRetentionAsync(new RetentionQuery
        {
            BotId = "b1",
            StartDate = new DateOnly(2025, 12, 1),
            EndDate = new DateOnly(2025, 12, 3),
        });

    [Fact]
    public async Task LifecycleDocument_SpecExample_IsTheDocumentedJsonByteForByte()
    {
        var report = await SpecLifecycleAsync();

        LifecycleJson.Serialize(report, indented: false).Should().Be(
            """{"bot":"b1","timeZone":"Asia/Kolkata","aggregation":"day","start":"2025-12-01","end":"2025-12-03","buckets":["""
            + """{"period":"2025-12-01","new":3,"returning":1,"resurrecting":0,"dormant":2},"""
            + """{"period":"2025-12-02","new":0,"returning":1,"resurrecting":1,"dormant":3},"""
            + """{"period":"2025-12-03","new":1,"returning":1,"resurrecting":1,"dormant":1}]}""");
        LifecycleJson.Serialize(report).Should().Be(Data("lifecycle-day.json"));
    }

    [Fact]
    public async Task RetentionDocument_SpecExample_IsTheDocumentedJsonByteForByte()
    {
        var report = await SpecRetentionAsync();

        // The spec's example, its line breaks and indentation removed.
        LifecycleJson.Serialize(report, indented: false).Should().Be(
            """{"bot":"b1","timeZone":"UTC","interval":"day","start":"2025-12-01","end":"2025-12-03","cohorts":["""
            + """{"cohort":"2025-12-01","users":4,"retained":[4,2,1],"percent":[100,50,25]},"""
            + """{"cohort":"2025-12-02","users":0,"retained":[0,0],"percent":[null,null]},"""
            + """{"cohort":"2025-12-03","users":1,"retained":[1],"percent":[100]}]}""");
        LifecycleJson.Serialize(report).Should().Be(Data("retention-day.json"));
    }

    [Fact]
    public async Task RetentionDocument_PercentagesAreNumbersWithoutTrailingZeros()
    {
        var events = Enumerable.Range(0, 3).Select(i => Event("u" + i, "2025-12-01T09:00:00Z"))
            .Append(Event("u0", "2025-12-02T09:00:00Z"))
            .Append(Event("u0", "2025-12-08T09:00:00Z")).Append(Event("u1", "2025-12-08T09:00:00Z"));
        var report = await (await EngineAsync(events)).GetRetentionAsync(new RetentionQuery
        {
            BotId = Bot,
            StartDate = new DateOnly(2025, 12, 1),
            EndDate = new DateOnly(2025, 12, 14),
            Interval = RetentionInterval.Week,
            Periods = 8,
        });

        var json = LifecycleJson.Serialize(report, indented: false);

        json.Should().Be(
            """{"bot":"bot-1","timeZone":"UTC","interval":"week","start":"2025-12-01","end":"2025-12-14","cohorts":["""
            + """{"cohort":"2025-W49","users":3,"retained":[3,2],"percent":[100,66.67]},"""
            + """{"cohort":"2025-W50","users":0,"retained":[0],"percent":[null]}]}""");
    }

    [Fact]
    public async Task Documents_WrittenToAStream_AreTheCompactSerialization()
    {
        var lifecycle = await SpecLifecycleAsync();
        var retention = await SpecRetentionAsync();
        using var a = new MemoryStream();
        using var b = new MemoryStream();

        await LifecycleJson.WriteAsync(a, lifecycle);
        await LifecycleJson.WriteAsync(b, retention);

        System.Text.Encoding.UTF8.GetString(a.ToArray()).Should().Be(LifecycleJson.Serialize(lifecycle, indented: false));
        System.Text.Encoding.UTF8.GetString(b.ToArray()).Should().Be(LifecycleJson.Serialize(retention, indented: false));
        LifecycleDocument.From(lifecycle).Buckets.Should().HaveCount(3);
        RetentionDocument.From(retention).Cohorts[0].Percent.Should().Equal(100m, 50m, 25m);
    }

    [Theory]
    [InlineData(null, LifecycleAggregation.Day)]
    [InlineData("", LifecycleAggregation.Day)]
    [InlineData("hour", LifecycleAggregation.Hour)]
    [InlineData(" Day ", LifecycleAggregation.Day)]
    [InlineData("WEEK", LifecycleAggregation.Week)]
    [InlineData("month", LifecycleAggregation.Month)]
    public void Aggregation_AcceptsHourDayWeekMonthInAnyCase(string? value, LifecycleAggregation expected)
    {
        LifecycleParameters.ParseAggregation(value).Should().Be(expected);
        LifecycleParameters.ParseAggregation(value).ToWireName().Should().Be(expected.ToString().ToLowerInvariant());
    }

    [Theory]
    [InlineData("hourly")]
    [InlineData("year")]
    [InlineData("1")]
    public void Aggregation_RefusesAnythingElseNamingFieldAndValue(string value)
    {
        var act = () => LifecycleParameters.ParseAggregation(value);
        act.Should().Throw<EngagementValidationException>()
            .Where(e => e.ParameterName == "aggregation" && e.Value == value)
            .WithMessage($"invalid aggregation '{value}': expected hour, day, week or month");
    }

    [Theory]
    [InlineData(null, RetentionInterval.Day)]
    [InlineData("day", RetentionInterval.Day)]
    [InlineData("Week", RetentionInterval.Week)]
    public void Interval_AcceptsDayAndWeek(string? value, RetentionInterval expected)
    {
        LifecycleParameters.ParseInterval(value).Should().Be(expected);
        LifecycleParameters.ParseInterval(value).ToWireName().Should().Be(expected.ToString().ToLowerInvariant());
    }

    [Fact]
    public void Interval_RefusesMonthNamingFieldAndValue()
    {
        var act = () => LifecycleParameters.ParseInterval("month", "--interval");
        act.Should().Throw<EngagementValidationException>()
            .Where(e => e.ParameterName == "--interval")
            .WithMessage("invalid --interval 'month': expected day or week");
    }

    [Theory]
    [InlineData(null, 8)]
    [InlineData(" ", 8)]
    [InlineData("1", 1)]
    [InlineData("12", 12)]
    [InlineData("1000", 1000)]
    public void Periods_AcceptsWholeNumbersFromOneToTheMaximum(string? value, int expected) =>
        LifecycleParameters.ParsePeriods(value).Should().Be(expected);

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1001")]
    [InlineData("2.5")]
    [InlineData("eight")]
    [InlineData("99999999999")]
    public void Periods_RefusesAnythingElseNamingFieldAndValue(string value)
    {
        var act = () => LifecycleParameters.ParsePeriods(value);
        act.Should().Throw<EngagementValidationException>()
            .Where(e => e.ParameterName == "periods" && e.Value == value)
            .WithMessage($"invalid periods '{value}': expected a whole number from 1 to 1000");
    }

    [Fact]
    public void Binder_ReadsEveryParameterByTheFrontDoorsNames()
    {
        var values = new Dictionary<string, string?>
        {
            ["start_date"] = "2025-12-01", ["end_date"] = "2025-12-14", ["aggregation"] = "week", ["channels"] = "RTM,slack",
            ["timeZone"] = "Asia/Kolkata", ["conversationType"] = "non_interactive", ["conversationStatus"] = "closed",
            ["interval"] = "week", ["periods"] = "4",
        };
        string? Value(string name) => values.GetValueOrDefault(name);

        var lifecycle = LifecycleQueryBinder.BindLifecycle("b1", Value, LifecycleParameterNames.Default);
        var retention = LifecycleQueryBinder.BindRetention("b1", Value, LifecycleParameterNames.Default);

        lifecycle.Should().BeEquivalentTo(new
        {
            BotId = "b1", StartDate = new DateOnly(2025, 12, 1), EndDate = new DateOnly(2025, 12, 14), Aggregation = LifecycleAggregation.Week,
            Channels = new[] { "rtm", "slack" }, ConversationType = ConversationTypeFilter.NonInteractive, ConversationStatus = ConversationStatusFilter.Closed,
        });
        lifecycle.TimeZone.Id.Should().Be("Asia/Kolkata");
        retention.Interval.Should().Be(RetentionInterval.Week);
        retention.Periods.Should().Be(4);
        retention.Channels.Should().Equal("rtm", "slack");
        retention.TimeZone.Id.Should().Be("Asia/Kolkata");
    }

    [Fact]
    public void Binder_ErrorsNameTheFrontDoorsParameter()
    {
        var names = new LifecycleParameterNames(
            new TrendParameterNames("--start-date", "--end-date", "--aggregation", "--channels", "--time-zone", "--conversation-type", "--conversation-status"),
            "--interval",
            "--periods");
        var bad = () => LifecycleQueryBinder.BindRetention("b1", n => n switch { "--start-date" => "2025-12-01", "--end-date" => "2025-12-02", "--periods" => "0", _ => null }, names);
        bad.Should().Throw<EngagementValidationException>().WithMessage("invalid --periods '0': expected a whole number from 1 to 1000");

        var missing = () => LifecycleQueryBinder.BindLifecycle("b1", _ => null, names);
        missing.Should().Throw<EngagementValidationException>().Where(e => e.ParameterName == "--start-date");
    }

    [Fact]
    public async Task Binder_InWireTerms_RenamesTheEnginesErrors()
    {
        var engine = await EngineAsync([Event("a", "2025-12-01T09:00:00Z")]);
        var names = LifecycleParameterNames.Default;
        var reversed = LifecycleQueryBinder.BindLifecycle("bot-1", n => n switch { "start_date" => "2025-12-09", "end_date" => "2025-11-20", _ => null }, names);
        var periods = new RetentionQuery { BotId = "bot-1", StartDate = new(2025, 12, 1), EndDate = new(2025, 12, 1), Periods = 0 };

        var a = await Assert.ThrowsAsync<EngagementValidationException>(async () => await engine.GetLifecycleAsync(reversed));
        var b = await Assert.ThrowsAsync<EngagementValidationException>(async () => await engine.GetRetentionAsync(periods));

        LifecycleQueryBinder.InWireTerms(a, reversed, names).Should().Match<EngagementValidationException>(e =>
            e.ParameterName == "end_date" && e.Message == "end_date 2025-11-20 is before start_date 2025-12-09");
        LifecycleQueryBinder.InWireTerms(b, periods, names).Should().Match<EngagementValidationException>(e =>
            e.ParameterName == "periods" && e.Message == "invalid periods '0': expected a whole number from 1 to 1000");
    }
}
