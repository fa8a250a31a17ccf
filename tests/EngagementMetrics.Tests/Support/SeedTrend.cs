using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests.Support;

/// <summary>
/// The trend of the documented Kore.ai v2 examples: TestData/kore-v2-events.jsonl, bot st-demo, 2025-12-01 to
/// 2025-12-05 in Asia/Kolkata (kore-v2-daily.json and kore-v2-hourly.json are its documents).
/// </summary>
internal static class SeedTrend
{
    public static async Task<EngagementTrend> ComputeAsync(TrendAggregation aggregation)
    {
        var read = EventJsonReader.ReadJsonLines(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "kore-v2-events.jsonl")));
        read.Errors.Should().BeEmpty();
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(read.Events);
        return await new EngagementEngine(store).GetTrendAsync(new TrendQuery
        {
            BotId = "st-demo",
            StartDate = new DateOnly(2025, 12, 1),
            EndDate = new DateOnly(2025, 12, 5),
            TimeZone = TimeZoneParser.Parse("Asia/Kolkata"),
            Aggregation = aggregation,
        });
    }
}
