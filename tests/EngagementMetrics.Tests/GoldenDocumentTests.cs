using EngagementMetrics.Json;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

public class GoldenDocumentTests
{
    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name)).ReplaceLineEndings("\n").TrimEnd('\n');

    private static Task<EngagementTrend> SeedTrendAsync(TrendAggregation aggregation) => SeedTrend.ComputeAsync(aggregation);

    [Fact]
    public async Task KoreV2Daily_FromSeedEvents_MatchesDocumentedExampleByteForByte()
    {
        var trend = await SeedTrendAsync(TrendAggregation.Daily);
        KoreTrendJson.SerializeV2(trend).Should().Be(Data("kore-v2-daily.json"));
    }

    [Fact]
    public async Task KoreV2Hourly_FromSeedEvents_MatchesDocumentedExampleByteForByte()
    {
        var trend = await SeedTrendAsync(TrendAggregation.Hourly);
        KoreTrendJson.SerializeV2(trend).Should().Be(Data("kore-v2-hourly.json"));
    }

    [Fact]
    public async Task KoreV1Daily_HasTheDocumentedShape()
    {
        var events = new[]
        {
            TestEvents.Event("a", "2020-09-01T10:00:00Z"), TestEvents.Event("b", "2020-09-01T11:00:00Z"), TestEvents.Event("c", "2020-09-01T23:59:59Z"),
            TestEvents.Event("a", "2020-09-02T01:00:00Z"), TestEvents.Event("b", "2020-09-02T02:00:00Z"), TestEvents.Event("c", "2020-09-02T03:00:00Z"),
            TestEvents.Event("d", "2020-09-02T04:00:00Z"), TestEvents.Event("e", "2020-09-02T05:00:00Z"), TestEvents.Event("e", "2020-09-02T06:00:00Z"),
        };
        var trend = await TrendHelpers.TrendAsync(events, TestEvents.Query("2020-09-01", "2020-09-02", aggregation: TrendAggregation.Daily));
        KoreTrendJson.SerializeV1(trend).Should().Be(Data("kore-v1-daily.json"));
    }

    [Fact]
    public async Task KoreV1Hourly_HasTheDocumentedShape()
    {
        var events = Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            TestEvents.Event($"u{i}", "2020-08-06T00:10:00Z"),
            TestEvents.Event($"u{i}", "2020-08-07T00:20:00Z"),
        }).Concat(Enumerable.Range(0, 10).Select(i => TestEvents.Event($"u{i}", "2020-08-06T03:30:00Z")));
        var trend = await TrendHelpers.TrendAsync(events, TestEvents.Query("2020-08-06", "2020-08-07", aggregation: TrendAggregation.Hourly));
        KoreTrendJson.SerializeV1(trend).Should().Be(Data("kore-v1-hourly.json"));
    }

    [Fact]
    public void HourlyPointConverter_RoundTripsTheHourKeys()
    {
        KoreTrendJson.HourlyKeys.Should().HaveCount(24);
        KoreTrendJson.HourlyKeys[0].Should().Be("0 - 1");
        KoreTrendJson.HourlyKeys[22].Should().Be("22 - 23");
        KoreTrendJson.HourlyKeys[23].Should().Be("23 - 0");
        var json = System.Text.Json.JsonSerializer.Serialize(
            new KoreV1Response<KoreHourlyPoint> { Results = [new KoreHourlyPoint { Date = "Aug 06 2020", Hours = Enumerable.Range(0, 24).ToArray() }], TotalResults = 1 },
            EngagementJsonContext.Default.KoreV1ResponseKoreHourlyPoint);
        var back = System.Text.Json.JsonSerializer.Deserialize(json, EngagementJsonContext.Default.KoreV1ResponseKoreHourlyPoint)!;
        back.Results[0].Hours.Should().Equal(Enumerable.Range(0, 24));
    }

    [Fact]
    public async Task KoreDocuments_RefuseWeeklyTrends()
    {
        var trend = await TrendHelpers.TrendAsync([TestEvents.Event("a", "2025-01-01T00:00:00Z")], TestEvents.Query("2025-01-01", "2025-01-10", aggregation: TrendAggregation.Weekly));
        var act = () => KoreTrendJson.SerializeV2(trend);
        act.Should().Throw<ArgumentException>().WithMessage("*hourly or daily*");
    }
}
