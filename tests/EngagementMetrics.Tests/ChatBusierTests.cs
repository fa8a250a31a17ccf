using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary>Rocket.Chat's "when is the chat busier" data (semantics section 5).</summary>
public class ChatBusierTests
{
    private static readonly DateTimeOffset ExampleStart = Parse("2023-05-19T00:00:00.000Z");

    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name)).ReplaceLineEndings("\n").TrimEnd('\n');

    private static async Task<EngagementEngine> EngineAsync(IEnumerable<InteractionEvent> events)
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events.ToList());
        return new EngagementEngine(store);
    }

    private static async Task<EngagementEngine> ExampleEngineAsync()
    {
        var read = EventJsonReader.ReadJsonLines(Data("rocketchat-events.jsonl"));
        read.Errors.Should().BeEmpty();
        return await EngineAsync(read.Events);
    }

    [Fact]
    public async Task Hourly_data_reproduces_the_documented_example()
    {
        var engine = await ExampleEngineAsync();

        var hourly = await engine.GetChatBusierHourlyAsync("rc-demo", ExampleStart);

        RocketChatJson.SerializeHourly(hourly).Should().Be(Data("rocketchat-hourly.json"));
    }

    [Fact]
    public async Task Weekly_data_reproduces_the_documented_example()
    {
        var engine = await ExampleEngineAsync();

        var weekly = await engine.GetChatBusierWeeklyAsync("rc-weekly", ExampleStart);

        RocketChatJson.SerializeWeekly(weekly).Should().Be(Data("rocketchat-weekly.json"));
    }

    [Fact]
    public async Task The_window_is_the_24_hours_before_start_and_a_user_counts_once_per_bucket()
    {
        var engine = await EngineAsync(
        [
            Event("a", "2023-05-18T00:00:00Z"), // first instant of the window
            Event("a", "2023-05-18T01:59:59Z"), // same bucket: once
            Event("a", "2023-05-18T02:00:00Z"), // next bucket: counts there too
            Event("b", "2023-05-19T00:00:00Z"), // at start: outside
            Event("c", "2023-05-17T23:59:59Z"), // before the window
            Event("d", "2023-05-18T23:59:59Z"),
        ]);

        var hours = (await engine.GetChatBusierHourlyAsync(Bot, ExampleStart)).Hours;

        hours.Select(h => h.Hour).Should().Equal(22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
        hours.Single(h => h.Hour == 0).Users.Should().Be(1);
        hours.Single(h => h.Hour == 2).Users.Should().Be(1);
        hours.Single(h => h.Hour == 22).Users.Should().Be(1);
        hours.Sum(h => h.Users).Should().Be(3);
    }

    [Fact]
    public async Task Local_hours_follow_the_time_zone_including_a_fall_back_overlap()
    {
        // New York, 2025-11-02: 01:00-01:59 happens twice (EDT then EST). Window: the 24 h before Nov 3 05:00Z.
        var engine = await EngineAsync(
        [
            Event("edt", "2025-11-02T05:30:00Z"), // 01:30 EDT
            Event("est", "2025-11-02T06:30:00Z"), // 01:30 EST
            Event("kolkata", "2025-11-02T20:00:00Z"), // 15:00 EST
        ]);

        var newYork = await engine.GetChatBusierHourlyAsync(Bot, Parse("2025-11-03T05:00:00Z"), TimeZoneParser.Parse("America/New_York"));
        var kolkata = await engine.GetChatBusierHourlyAsync(Bot, Parse("2025-11-03T05:00:00Z"), TimeZoneParser.Parse("+05:30"));

        newYork.Hours.Single(h => h.Hour == 0).Users.Should().Be(2, "both real 01:30s are local hour 1");
        newYork.Hours.Single(h => h.Hour == 14).Users.Should().Be(1);
        kolkata.Hours.Single(h => h.Hour == 10).Users.Should().Be(1, "05:30Z is 11:00 in +05:30");
        kolkata.Hours.Single(h => h.Hour == 12).Users.Should().Be(1, "06:30Z is 12:00 in +05:30");
        kolkata.Hours.Single(h => h.Hour == 0).Users.Should().Be(1, "20:00Z is 01:30 the next day in +05:30");
    }

    [Fact]
    public async Task Weekly_data_covers_eight_local_dates_in_the_zone_newest_first()
    {
        var engine = await EngineAsync(
        [
            Event("a", "2023-05-11T23:00:00Z"), // UTC May 11 (outside), but May 12 in +05:30
            Event("b", "2023-05-19T20:00:00Z"), // May 19 UTC (inside, after start), May 20 in +05:30 (outside)
            Event("c", "2023-05-15T12:00:00Z"),
        ]);

        var utc = await engine.GetChatBusierWeeklyAsync(Bot, ExampleStart);
        var india = await engine.GetChatBusierWeeklyAsync(Bot, ExampleStart, TimeZoneParser.Parse("Asia/Kolkata"));

        utc.Days.Should().Equal(new ChatBusierDay(new(2023, 5, 19), 1), new ChatBusierDay(new(2023, 5, 15), 1));
        india.Days.Should().Equal(new ChatBusierDay(new(2023, 5, 15), 1), new ChatBusierDay(new(2023, 5, 12), 1));
    }

    [Fact]
    public async Task A_bot_without_events_has_twelve_zero_buckets_and_no_dates()
    {
        var engine = await EngineAsync([Event("a", "2023-05-18T10:00:00Z")]);

        var hourly = await engine.GetChatBusierHourlyAsync("other-bot", ExampleStart);
        var weekly = await engine.GetChatBusierWeeklyAsync("other-bot", ExampleStart);

        hourly.Hours.Should().HaveCount(12).And.OnlyContain(h => h.Users == 0);
        weekly.Days.Should().BeEmpty();
        RocketChatJson.SerializeWeekly(weekly, indented: false).Should().Be("""{"month":[],"success":true}""");
    }

    [Theory]
    [InlineData("0002-01-03T00:00:00Z", "-12:00", "the local dates 0001-12-26 to 0002-01-02 (UTC-12:00) must lie between years 2 and 9998")]
    [InlineData("9998-12-31T23:59:59Z", "+14:00", "the local dates 9998-12-25 to 9999-01-01 (UTC+14:00) must lie between years 2 and 9998")]
    public async Task A_weekly_window_leaving_years_2_to_9998_in_its_zone_is_a_start_error(string start, string zone, string message)
    {
        var engine = await ExampleEngineAsync();

        var act = async () => await engine.GetChatBusierWeeklyAsync("rc-weekly", Parse(start), TimeZoneParser.Parse(zone));

        (await act.Should().ThrowAsync<EngagementValidationException>()).Which.Should().Match<EngagementValidationException>(e => e.ParameterName == "start" && e.Message == message);
    }

    [Theory]
    [InlineData(null, RocketChatParameters.MissingStart)]
    [InlineData("", RocketChatParameters.MissingStart)]
    [InlineData("2023-05-T00:00:00.000Z", RocketChatParameters.MalformedStart)]
    [InlineData("2023-05-19", RocketChatParameters.MalformedStart)]
    [InlineData("yesterday", RocketChatParameters.MalformedStart)]
    public void A_missing_or_malformed_start_gets_the_rocket_chat_message(string? value, string message)
    {
        var act = () => RocketChatParameters.ParseStart(value);

        act.Should().Throw<EngagementValidationException>().Which.Should().Match<EngagementValidationException>(e => e.ParameterName == "start" && e.Message == message);
        RocketChatJson.SerializeError(message).Should().Be($$"""{"success":false,"error":"{{message}}"}""");
    }

    [Theory]
    [InlineData("2023-05-19T00:00:00.000Z")]
    [InlineData("2023-05-19T00:00:00Z")]
    [InlineData("2023-05-19T05:30:00+05:30")]
    [InlineData("2023-05-18T20:00:00.1234567-04:00")]
    public void Iso_and_rfc3339_instants_are_accepted(string value)
    {
        RocketChatParameters.ParseStart(value).UtcDateTime.Date.Should().BeOnOrAfter(new DateTime(2023, 5, 19));
    }

    [Fact]
    public void Both_documents_match_a_naive_reference_on_random_histories()
    {
        string[] zones = ["UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia", "America/Santiago", "-03:30"];
        var gen =
            from zone in Gen.Elements(zones)
            from startMinutes in Gen.Choose(0, 60 * 24 * 400)
            from offsets in Gen.Choose(-60 * 24 * 9, 60 * 24 * 2).ArrayOf()
            from users in Gen.Choose(1, 12)
            select (zone, startMinutes, offsets, users);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var tz = TimeZoneParser.Parse(c.zone);
            var start = new DateTimeOffset(2024, 9, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(c.startMinutes);
            var events = c.offsets.Select((m, i) => Event("u" + (i % c.users), start.AddMinutes(m).ToString("O"), i % 5 == 4 ? InteractionKind.GoalReached : InteractionKind.MessageIn)).ToList();
            var engine = EngineAsync(events).GetAwaiter().GetResult();
            var hourly = engine.GetChatBusierHourlyAsync(Bot, start, tz).AsTask().GetAwaiter().GetResult();
            var weekly = engine.GetChatBusierWeeklyAsync(Bot, start, tz).AsTask().GetAwaiter().GetResult();

            var active = events.Where(e => e.Kind.IsUserActivity()).ToList();
            var expectedHours = Enumerable.Range(0, 12).Reverse().Select(b => new ChatBusierHour(b * 2, active
                .Where(e => e.Timestamp >= start.AddHours(-24) && e.Timestamp < start && TimeZoneInfo.ConvertTime(e.Timestamp, tz).Hour / 2 == b)
                .Select(e => e.UserId).Distinct().Count()));
            var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, tz).DateTime);
            var expectedDays = active
                .GroupBy(e => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.Timestamp, tz).DateTime))
                .Where(g => g.Key >= last.AddDays(-7) && g.Key <= last)
                .OrderByDescending(g => g.Key)
                .Select(g => new ChatBusierDay(g.Key, g.Select(e => e.UserId).Distinct().Count()));

            hourly.Hours.Should().Equal(expectedHours, c.ToString());
            weekly.Days.Should().Equal(expectedDays, c.ToString());
        }));
    }
}
