using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

public class AllocationTests
{
    private static async Task<InMemoryInteractionStore> StoreAsync(int events, int users)
    {
        var store = new InMemoryInteractionStore();
        var origin = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(42);
        var span = TimeSpan.FromDays(30).Ticks;
        var batch = new List<InteractionEvent>(100_000);
        var userIds = Enumerable.Range(0, users).Select(u => "user-" + u).ToArray();
        var ticks = Enumerable.Range(0, events).Select(_ => random.NextInt64(span)).Order().ToArray();
        foreach (var t in ticks)
        {
            batch.Add(new InteractionEvent { BotId = "bot", UserId = userIds[random.Next(users)], Timestamp = origin.AddTicks(t), Kind = InteractionKind.MessageIn, Channel = "rtm" });
            if (batch.Count == batch.Capacity)
            {
                await store.AppendAsync(batch);
                batch.Clear();
            }
        }

        await store.AppendAsync(batch);
        return store;
    }

    private static long AllocatedByQuery(EngagementEngine engine, TrendQuery query)
    {
        // Warm up: JIT, the array pool's first rent, the zone's offset cache.
        for (var i = 0; i < 3; i++)
        {
            engine.GetTrendAsync(query).AsTask().GetAwaiter().GetResult();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var trend = engine.GetTrendAsync(query).GetAwaiter().GetResult();
        var after = GC.GetAllocatedBytesForCurrentThread();
        trend.Summary.UniqueUsers.Should().BeGreaterThan(0);
        return after - before;
    }

    [Fact]
    public async Task Query_AllocatesNothingPerEvent_OneMillionEventsCostTheSameAsOneHundredThousand()
    {
        var query = new TrendQuery
        {
            BotId = "bot",
            StartDate = new DateOnly(2025, 6, 1),
            EndDate = new DateOnly(2025, 6, 30),
            TimeZone = TimeZoneParser.Parse("Asia/Kolkata"),
            Aggregation = TrendAggregation.Hourly,
        };

        var small = AllocatedByQuery(new EngagementEngine(await StoreAsync(100_000, 5_000)), query);
        var large = AllocatedByQuery(new EngagementEngine(await StoreAsync(1_000_000, 5_000)), query);

        // Only the result (720 buckets) and the per-query plan are allocated; ten times the events adds nothing.
        large.Should().BeLessThan(small + 1024, $"100k events allocated {small} B and 1M events {large} B");
        large.Should().BeLessThan(256 * 1024);
    }
}
