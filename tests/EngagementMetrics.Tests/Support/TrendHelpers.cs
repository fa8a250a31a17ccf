using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests.Support;

/// <summary>A trend of some events on a fresh in-memory store (builders: <c>EngagementMetrics.Conformance.TestEvents</c>).</summary>
internal static class TrendHelpers
{
    public static async Task<EngagementTrend> TrendAsync(IEnumerable<InteractionEvent> events, TrendQuery query)
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events.ToList());
        return await new EngagementEngine(store).GetTrendAsync(query);
    }
}
