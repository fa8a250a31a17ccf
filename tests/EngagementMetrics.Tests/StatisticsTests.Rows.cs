using System.Globalization;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Statistics;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Time;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary>The row array (statistics.md, "Xenioo's row array"): per (period, bot, channel, type) values.</summary>
public partial class StatisticsTests
{
    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name)).ReplaceLineEndings("\n");

    private static async Task<StatisticsEngine> GoldenEngineAsync()
    {
        var read = EventJsonReader.ReadJsonLines(Data("statistics-rows-events.jsonl"));
        read.Errors.Should().BeEmpty();
        return await EngineAsync(read.Events);
    }

    private static StatisticsQuery RowsQuery(string bot, params int[] types) => Query(bot, types) with { Days = 2, Breakdown = StatisticsBreakdown.BotAndChannel };

    // statistics-rows-events.jsonl, by hand (window 2025-12-06..07, UTC):
    // b1: u1 first seen 12-05 on rtm, so returning on slack 12-06; u2 new on rtm 12-06, returning on slack 12-07; u3 new
    //     on "RTM" 12-07 (rtm). k1 (slack) closes after 600 s with a join: 600 and 100 % on slack 12-06. k2 starts on rtm
    //     12-06 and closes on slack 12-07: 0 % on rtm 12-06, 44400 s on rtm 12-07, nothing on slack.
    // b2: u9 only before the window (msteams has no rows); u1 of b2 new on "default" 12-06 with m1 (no join: 0 %); a goal
    //     on webchat 12-07 gives webchat rows, all zero or null. x9 is another account's.
    [Fact]
    public async Task Rows_of_the_golden_history_match_the_hand_computed_file()
    {
        var engine = await GoldenEngineAsync();

        var result = await engine.GetStatisticsAsync(RowsQuery("*", 0, 1, 2, 3, 8, 10));

        var golden = string.Concat(Data("statistics-rows.json").Split('\n').Select(l => l.Trim()));
        StatisticsJson.Serialize(result, StatisticsFormat.Rows, indented: false).Should().Be(golden);
        result.Rows.Select(r => (r.Bot, r.Channel)).Distinct().Should().Equal(("b1", "rtm"), ("b1", "slack"), ("b2", "default"), ("b2", "webchat"));
    }

    [Fact]
    public async Task The_series_of_a_rows_result_are_those_of_a_plain_one_and_rows_need_the_breakdown()
    {
        var engine = await GoldenEngineAsync();

        var rows = await engine.GetStatisticsAsync(RowsQuery("*", 0, 1, 2, 3, 8, 10));
        var plain = await engine.GetStatisticsAsync(RowsQuery("*", 0, 1, 2, 3, 8, 10) with { Breakdown = StatisticsBreakdown.None });

        StatisticsJson.Serialize(rows, StatisticsFormat.Series).Should().Be(StatisticsJson.Serialize(plain));
        plain.Rows.Should().BeEmpty();
        ((Action)(() => StatisticsJson.Serialize(plain, StatisticsFormat.Rows))).Should().Throw<ArgumentException>().WithMessage("*BotAndChannel*");
        rows.Series.Single(s => s.Type == StatisticType.ActiveUser).Points.Select(p => p.Value).Should().Equal([3m, 2m],
            "the series count u1 of b1 once on 12-06 although the rows have them on slack only, and u2 of b1 once on 12-07");
    }

    [Fact]
    public async Task The_wildcard_rows_never_cross_accounts()
    {
        var engine = await GoldenEngineAsync();

        var acme = await engine.GetStatisticsAsync(RowsQuery("*", 2));
        var other = await engine.GetStatisticsAsync(RowsQuery("*", 2) with { AccountId = "other" });
        var foreign = async () => await engine.GetStatisticsAsync(RowsQuery("x9", 2));

        acme.Rows.Select(r => r.Bot).Distinct().Should().Equal("b1", "b2");
        other.Rows.Select(r => (r.Period, r.Bot, r.Channel, r.Value)).Should().Equal(("2025-12-06", "x9", "rtm", 1m), ("2025-12-07", "x9", "rtm", 0m));
        await foreign.Should().ThrowAsync<BotNotFoundException>();
    }

    [Theory]
    [InlineData("rows", StatisticsFormat.Rows)]
    [InlineData("Series", StatisticsFormat.Series)]
    public void Formats_parse_in_any_letter_case(string value, StatisticsFormat expected) =>
        StatisticsParameters.ParseFormat(value).Should().Be(expected);

    [Theory]
    [InlineData("")]
    [InlineData("csv")]
    public void An_unknown_format_names_the_parameter_and_the_value(string value)
    {
        var act = () => StatisticsParameters.ParseFormat(value);

        act.Should().Throw<EngagementValidationException>().Which.Should().Match<EngagementValidationException>(e =>
            e.ParameterName == "format" && e.Message.Contains($"'{value}'", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_row_matches_a_naive_reference_from_the_bots_events_on_its_channel()
    {
        string[] zones = ["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"];
        string?[] channels = ["rtm", "RTM", "slack", null, "WebChat"];
        var gen =
            from zone in Gen.Elements(zones)
            from mode in Gen.Elements(Enum.GetValues<StatisticsGroupMode>())
            from days in Gen.Choose(1, 8)
            from bot in Gen.Elements("*", "s1")
            from items in Gen.Zip(Gen.Choose(-60 * 24 * 12, 60 * 24 * 2), Gen.Zip(Gen.Choose(0, 9), Gen.Choose(0, 4))).ArrayOf()
            select (zone, mode, days, bot, items);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var tz = TimeZoneParser.Parse(c.zone);
            var events = c.items.Select((item, i) =>
            {
                var kind = (InteractionKind)item.Item2.Item1;
                return E(
                    Now.AddMinutes(item.Item1).AddSeconds(i % 7).ToString("O"),
                    kind,
                    kind.IsUserActivity() ? "u" + (i % 5) : null,
                    i % 6 == 5 ? null : "c" + (i % 4),
                    bot: (i % 5) switch { 0 or 3 => "s2", 4 => "x1", _ => "s1" },
                    intent: i % 3 == 0 ? null : i % 2 == 0,
                    fallback: i % 4 == 0,
                    error: i % 5 == 1,
                    channel: channels[item.Item2.Item2]);
            }).ToList();
            if (!events.Any(e => e.BotId == "s1"))
            {
                return;
            }

            var engine = EngineAsync(events).GetAwaiter().GetResult();
            var scope = c.bot == "*" ? StatisticsScope.Account : StatisticsScope.Bot;
            var types = Enum.GetValues<StatisticType>().Where(t => scope == StatisticsScope.Bot || t != StatisticType.TagHit).Reverse().ToList();
            var query = new StatisticsQuery
            {
                AccountId = Account, Bot = c.bot, Types = types, Days = c.days, GroupMode = c.mode, TimeZone = tz, Scope = scope,
                Breakdown = StatisticsBreakdown.BotAndChannel,
            };
            var result = engine.GetStatisticsAsync(query).AsTask().GetAwaiter().GetResult();

            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, tz).DateTime);
            var from = today.AddDays(1 - c.days);
            string Label(DateTime local) => c.mode switch
            {
                StatisticsGroupMode.Hour => local.ToString("yyyy-MM-dd'T'HH':00'", CultureInfo.InvariantCulture),
                StatisticsGroupMode.Day => local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                StatisticsGroupMode.Month => local.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                _ => local.ToString("yyyy", CultureInfo.InvariantCulture),
            };
            string? Bucket(long ticks)
            {
                var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(ticks, TimeSpan.Zero), tz).DateTime;
                var date = DateOnly.FromDateTime(local);
                return date < from || date > today ? null : Label(local);
            }

            // Every local hour of every window date (a skipped hour is an empty bucket, a repeated one is one bucket).
            var periods = Enumerable.Range(0, c.days)
                .SelectMany(d => Enumerable.Range(0, 24).Select(h => from.AddDays(d).ToDateTime(new TimeOnly(h, 0))))
                .Select(Label).Distinct().ToList();
            var bots = c.bot == "*" ? events.Where(e => e.AccountId == Account).Select(e => e.BotId).Distinct().Order(StringComparer.Ordinal).ToList() : ["s1"];
            var pairs = bots.SelectMany(b => events
                    .Where(e => e.BotId == b && Bucket(e.Timestamp.UtcTicks) is not null)
                    .Select(NaiveStatistics.ChannelOf).Distinct().Order(StringComparer.Ordinal)
                    .Select(channel => (Bot: b, Channel: channel, Events: events.Where(e => e.BotId == b).ToList())))
                .ToList();
            var expected =
                from period in periods
                from pair in pairs
                from type in types
                select new StatisticRow(period, pair.Bot, pair.Channel, type, StatisticTypeNames.NameOf(type), NaiveStatistics.Value(pair.Events, pair.Channel, type, period, Bucket));

            result.Rows.Should().Equal(expected, $"{c.zone} {c.mode} {c.days} days, bot {c.bot}");
        }));
    }
}
