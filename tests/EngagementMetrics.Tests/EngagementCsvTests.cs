using System.Text;
using System.Text.Json;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Statistics;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

/// <summary>
/// The CSV of every document (docs/schemas.md, "CSV"): a header of the row's JSON field names, one row per entry of
/// the document's row array, each cell the JSON value's text. Each table is held against the JSON the same result
/// serializes to, read field by field.
/// </summary>
public class EngagementCsvTests
{
    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    private static List<List<string>> CsvRows(CsvTable table)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        table.WriteTo(buffer);
        var rows = Rfc4180.Parse(buffer.WrittenSpan);
        rows[0].Should().Equal(table.Header);
        rows.Should().HaveCount(table.RowCount + 1);
        return rows;
    }

    private static void ShouldBeTheJsonRows(CsvTable table, string json, string document)
    {
        var expected = DocumentRows.Read(json, document);
        expected.Count.Should().BeGreaterThan(1, "the example has rows");
        CsvRows(table).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }

    private static Task<EngagementTrend> SeedTrendAsync(TrendAggregation aggregation) => SeedTrend.ComputeAsync(aggregation);

    [Fact]
    public async Task Kore_v2_daily_is_the_points_of_the_three_series_as_documented()
    {
        var trend = await SeedTrendAsync(TrendAggregation.Daily);

        EngagementCsv.KoreV2(trend).ToCsv().Should().Be(
            "trend,date,users\r\n" +
            "uniqueUsersTrend,Dec 01 2025,0\r\nuniqueUsersTrend,Dec 02 2025,0\r\nuniqueUsersTrend,Dec 03 2025,1\r\nuniqueUsersTrend,Dec 04 2025,1\r\nuniqueUsersTrend,Dec 05 2025,0\r\n" +
            "newUsersTrend,Dec 01 2025,0\r\nnewUsersTrend,Dec 02 2025,0\r\nnewUsersTrend,Dec 03 2025,1\r\nnewUsersTrend,Dec 04 2025,1\r\nnewUsersTrend,Dec 05 2025,0\r\n" +
            "returningUsersTrend,Dec 01 2025,0\r\nreturningUsersTrend,Dec 02 2025,0\r\nreturningUsersTrend,Dec 03 2025,0\r\nreturningUsersTrend,Dec 04 2025,0\r\nreturningUsersTrend,Dec 05 2025,0\r\n");
    }

    [Theory]
    [InlineData(TrendAggregation.Daily)]
    [InlineData(TrendAggregation.Hourly)]
    public async Task Kore_v1_and_v2_tables_are_the_rows_of_their_JSON_documents(TrendAggregation aggregation)
    {
        var trend = await SeedTrendAsync(aggregation);

        ShouldBeTheJsonRows(EngagementCsv.KoreV2(trend), KoreTrendJson.SerializeV2(trend), "kore-v2");
        ShouldBeTheJsonRows(EngagementCsv.KoreV1(trend), KoreTrendJson.SerializeV1(trend), "kore-v1");
    }

    [Fact]
    public void Hourly_points_keep_their_24_hour_keys_as_columns()
    {
        var document = JsonSerializer.Deserialize(Data("kore-v1-hourly.json"), EngagementJsonContext.Default.KoreV1ResponseKoreHourlyPoint)!;

        var table = EngagementCsv.ToTable(document);

        table.Header.Should().Equal(["date", .. KoreTrendJson.HourlyKeys]);
        table.Header[1].Should().Be("0 - 1");
        table.Header[24].Should().Be("23 - 0");
        ShouldBeTheJsonRows(table, Data("kore-v1-hourly.json"), "kore-v1");
        var v2 = EngagementCsv.ToTable(JsonSerializer.Deserialize(Data("kore-v2-hourly.json"), EngagementJsonContext.Default.KoreV2ResponseKoreHourlyPoint)!);
        v2.Header.Should().Equal(["trend", "date", .. KoreTrendJson.HourlyKeys]);
        ShouldBeTheJsonRows(v2, Data("kore-v2-hourly.json"), "kore-v2");
    }

    [Fact]
    public void An_hourly_point_without_24_hours_is_refused()
    {
        var document = new KoreV1Response<KoreHourlyPoint> { Results = [new KoreHourlyPoint { Date = "Dec 01 2025", Hours = new int[23] }], TotalResults = 1 };
        ((Func<CsvTable>)(() => EngagementCsv.ToTable(document))).Should().Throw<ArgumentException>().WithMessage("*24 hours*");
    }

    [Fact]
    public async Task Rocket_chat_busier_tables_are_the_hours_and_the_month_entries()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(EventJsonReader.ReadJsonLines(Data("rocketchat-events.jsonl")).Events);
        var engine = new EngagementEngine(store);
        var start = DateTimeOffset.Parse("2023-05-19T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var hourly = await engine.GetChatBusierHourlyAsync("rc-demo", start);
        var weekly = await engine.GetChatBusierWeeklyAsync("rc-weekly", start);

        var hours = EngagementCsv.ChatBusierHourly(hourly);
        var month = EngagementCsv.ChatBusierWeekly(weekly);

        hours.Header.Should().Equal("users", "hour");
        hours.RowCount.Should().Be(12);
        month.Header.Should().Equal("users", "day", "month", "year");
        month.ToCsv().Should().StartWith("users,day,month,year\r\n1,19,5,2023\r\n3,16,5,2023\r\n");
        ShouldBeTheJsonRows(hours, RocketChatJson.SerializeHourly(hourly), "rocketchat-hourly");
        ShouldBeTheJsonRows(month, RocketChatJson.SerializeWeekly(weekly), "rocketchat-weekly");
        ShouldBeTheJsonRows(month, Data("rocketchat-weekly.json"), "rocketchat-weekly");
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task Statistics_rows_and_series_are_the_rows_and_the_points_with_null_as_an_empty_cell()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(EventJsonReader.ReadJsonLines(Data("statistics-rows-events.jsonl")).Events);
        var engine = new StatisticsEngine(store, new Clock(DateTimeOffset.Parse("2025-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        var result = await engine.GetStatisticsAsync(new StatisticsQuery
        {
            AccountId = "acme",
            Bot = "*",
            Types = [StatisticType.NewUser, StatisticType.ReturningUser, StatisticType.ActiveUser, StatisticType.Messages, StatisticType.ConversationLength, StatisticType.TakeoverRate],
            Days = 2,
            Breakdown = StatisticsBreakdown.BotAndChannel,
        });

        var rows = EngagementCsv.Statistics(result, StatisticsFormat.Rows);
        var series = EngagementCsv.Statistics(result, StatisticsFormat.Series);

        rows.Header.Should().Equal("GroupLabel", "BotName", "ChannelName", "EventLabel", "EventType", "Value");
        rows.ToCsv().Should().Contain("\r\n2025-12-06,b1,rtm,Conversation Length,8,\r\n").And.Contain("\r\n2025-12-07,b1,rtm,Conversation Length,8,44400\r\n");
        ShouldBeTheJsonRows(rows, StatisticsJson.Serialize(result, StatisticsFormat.Rows), "statistics-rows");
        ShouldBeTheJsonRows(rows, Data("statistics-rows.json"), "statistics-rows");
        series.Header.Should().Equal("type", "name", "period", "value");
        series.RowCount.Should().Be(6 * 2);
        ShouldBeTheJsonRows(series, StatisticsJson.Serialize(result, StatisticsFormat.Series), "statistics-series");
    }

    [Fact]
    public void Text_with_commas_and_quotes_is_quoted_in_the_document_tables()
    {
        var document = JsonSerializer.Deserialize(
            """{"account":"a","bot":"*","groupMode":"day","days":1,"timeZone":"UTC","from":"2025-12-07","to":"2025-12-07","series":[{"type":3,"name":"Messages, \"all\"","points":[{"period":"2025-12-07","value":2.50}]}]}""",
            EngagementJsonContext.Default.StatisticsResponse)!;

        var csv = EngagementCsv.ToTable(document).ToCsv();

        csv.Should().Be("type,name,period,value\r\n3,\"Messages, \"\"all\"\"\",2025-12-07,2.50\r\n");
        Encoding.UTF8.GetByteCount(csv).Should().Be(csv.Length, "ASCII in, ASCII out");
    }

    private static async Task<EngagementEngine> EngineAsync(IEnumerable<InteractionEvent> events)
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events.ToList());
        return new EngagementEngine(store);
    }

    private static readonly DateOnly SpecStart = new(2025, 12, 1);
    private static readonly DateOnly SpecEnd = new(2025, 12, 3);

    [Fact]
    public async Task Lifecycle_is_the_buckets_under_the_documented_header()
    {
        var engine = await EngineAsync(LifecycleTests.SpecLifecycleEvents("b1"));
        var report = await engine.GetLifecycleAsync(new LifecycleQuery { BotId = "b1", StartDate = SpecStart, EndDate = SpecEnd, TimeZone = Time.TimeZoneParser.Parse("Asia/Kolkata") });

        var table = EngagementCsv.Lifecycle(report);

        table.ToCsv().Should().Be(
            "period,new,returning,resurrecting,dormant\r\n" +
            "2025-12-01,3,1,0,2\r\n" +
            "2025-12-02,0,1,1,3\r\n" +
            "2025-12-03,1,1,1,1\r\n");
        ShouldBeTheJsonRows(table, LifecycleJson.Serialize(report), "lifecycle");
        ShouldBeTheJsonRows(EngagementCsv.ToTable(JsonSerializer.Deserialize(Data("lifecycle-day.json"), EngagementJsonContext.Default.LifecycleDocument)!), Data("lifecycle-day.json"), "lifecycle");
    }

    [Fact]
    public async Task Retention_flattens_retained_and_percent_with_empty_cells_past_a_cohorts_end_and_for_null()
    {
        var engine = await EngineAsync(LifecycleTests.SpecRetentionEvents("b1"));
        var report = await engine.GetRetentionAsync(new RetentionQuery { BotId = "b1", StartDate = SpecStart, EndDate = SpecEnd });

        var table = EngagementCsv.Retention(report);

        table.ToCsv().Should().Be(
            "cohort,users,retained[0],retained[1],retained[2],percent[0],percent[1],percent[2]\r\n" +
            "2025-12-01,4,4,2,1,100,50,25\r\n" +
            "2025-12-02,0,0,0,,,,\r\n" +
            "2025-12-03,1,1,,,100,,\r\n");
        table[1, 5].IsNull.Should().BeTrue("an empty cohort's percent is null");
        table[2, 3].IsNull.Should().BeTrue("past the cohort's last entry");
        ShouldBeTheJsonRows(table, LifecycleJson.Serialize(report), "retention");
        ShouldBeTheJsonRows(EngagementCsv.ToTable(JsonSerializer.Deserialize(Data("retention-day.json"), EngagementJsonContext.Default.RetentionDocument)!), Data("retention-day.json"), "retention");
    }

    // A few weeks of a dozen users, one arriving every third day and then active on some days: every bucket size, both
    // intervals, with and without a filter, against the JSON of the same report read field by field.
    private static IEnumerable<InteractionEvent> Weeks()
    {
        var random = new Random(13);
        for (var day = 0; day < 40; day++)
        {
            for (var user = 0; user < 12; user++)
            {
                if (day == user * 3 || (day > user * 3 && random.NextDouble() < 0.2 + (user % 3 * 0.2)))
                {
                    yield return new InteractionEvent
                    {
                        BotId = "b1",
                        UserId = $"u{user}",
                        Channel = user % 2 == 0 ? "rtm" : "slack",
                        Timestamp = new DateTimeOffset(2025, 10, 20, 3, 0, 0, TimeSpan.Zero).AddDays(day).AddHours(random.Next(24)),
                        Kind = InteractionKind.MessageIn,
                    };
                }
            }
        }
    }

    [Theory]
    [InlineData(LifecycleAggregation.Hour)]
    [InlineData(LifecycleAggregation.Day)]
    [InlineData(LifecycleAggregation.Week)]
    [InlineData(LifecycleAggregation.Month)]
    public async Task Lifecycle_tables_are_the_rows_of_their_JSON_documents(LifecycleAggregation aggregation)
    {
        var engine = await EngineAsync(Weeks());
        var query = new LifecycleQuery { BotId = "b1", StartDate = new DateOnly(2025, 10, 29), EndDate = new DateOnly(2025, 11, 25), TimeZone = Time.TimeZoneParser.Parse("America/New_York"), Aggregation = aggregation };

        foreach (var q in new[] { query, query with { Channels = ["rtm"] } })
        {
            var report = await engine.GetLifecycleAsync(q);
            var table = EngagementCsv.Lifecycle(report);
            table.Header.Should().Equal("period", "new", "returning", "resurrecting", "dormant");
            table.RowCount.Should().Be(report.Buckets.Count);
            ShouldBeTheJsonRows(table, LifecycleJson.Serialize(report), "lifecycle");
        }
    }

    [Theory]
    [InlineData(RetentionInterval.Day, 8)]
    [InlineData(RetentionInterval.Day, 3)]
    [InlineData(RetentionInterval.Week, 8)]
    [InlineData(RetentionInterval.Week, 1)]
    public async Task Retention_tables_are_the_rows_of_their_JSON_documents(RetentionInterval interval, int periods)
    {
        var engine = await EngineAsync(Weeks());
        var query = new RetentionQuery { BotId = "b1", StartDate = new DateOnly(2025, 10, 22), EndDate = new DateOnly(2025, 11, 25), TimeZone = Time.TimeZoneParser.Parse("America/New_York"), Interval = interval, Periods = periods };

        foreach (var q in new[] { query, query with { Channels = ["rtm"] } })
        {
            var report = await engine.GetRetentionAsync(q);
            var table = EngagementCsv.Retention(report);
            var width = report.Cohorts.Max(c => c.Retained.Count);
            width.Should().Be(Math.Min(periods, report.Cohorts.Count), "the first cohort has every entry");
            report.Cohorts.Should().Contain(c => c.Users > 0 && c.Percent.All(p => p != null), "cohorts are not all empty");
            table.Header.Should().Equal(["cohort", "users", .. Enumerable.Range(0, width).Select(i => $"retained[{i}]"), .. Enumerable.Range(0, width).Select(i => $"percent[{i}]")]);
            ShouldBeTheJsonRows(table, LifecycleJson.Serialize(report), "retention");
        }
    }

    [Fact]
    public async Task Retention_percentages_are_written_as_the_JSON_writes_them()
    {
        // Three users first seen on Monday; two back on Tuesday, one on Wednesday: 66.67 and 33.33.
        var monday = new DateTimeOffset(2025, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var events = new[] { ("a", 0), ("b", 0), ("c", 0), ("a", 1), ("b", 1), ("c", 2) }
            .Select(e => new InteractionEvent { BotId = "b1", UserId = e.Item1, Timestamp = monday.AddDays(e.Item2), Kind = InteractionKind.MessageIn });
        var report = await (await EngineAsync(events)).GetRetentionAsync(new RetentionQuery { BotId = "b1", StartDate = SpecStart, EndDate = SpecEnd });

        var csv = EngagementCsv.Retention(report).ToCsv();

        csv.Should().StartWith("cohort,users,retained[0],retained[1],retained[2],percent[0],percent[1],percent[2]\r\n2025-12-01,3,3,2,1,100,66.67,33.33\r\n");
        LifecycleJson.Serialize(report, indented: false).Should().Contain("\"percent\":[100,66.67,33.33]");
    }
}
