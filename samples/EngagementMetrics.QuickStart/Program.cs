using EngagementMetrics.Events;
using EngagementMetrics.Json;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddEngagementMetrics(o => o.MaxPeriodDays = 366).UseInMemoryStore();
using var provider = services.BuildServiceProvider();

// Record events (a batch is atomic; eventId makes ingest idempotent).
var store = provider.GetRequiredService<IInteractionStore>();
await store.AppendAsync(
[
    new InteractionEvent { EventId = "e1", BotId = "st-demo", UserId = "a", ConversationId = "c1", Channel = "rtm",
                           Timestamp = DateTimeOffset.Parse("2025-12-03T11:40:00Z"), Kind = InteractionKind.MessageIn },
    new InteractionEvent { EventId = "e2", BotId = "st-demo", UserId = "a", ConversationId = "c1", Channel = "rtm",
                           Timestamp = DateTimeOffset.Parse("2025-12-03T11:40:01Z"), Kind = InteractionKind.MessageOut },
]);

// Ask for a trend: local dates, any zone, hourly or daily (also weekly, monthly, yearly), filters.
var engine = provider.GetRequiredService<EngagementEngine>();
var trend = await engine.GetTrendAsync(new TrendQuery
{
    BotId = "st-demo",
    StartDate = new DateOnly(2025, 12, 1),
    EndDate = new DateOnly(2025, 12, 5),
    TimeZone = TimeZoneParser.Parse("Asia/Kolkata"),
    Aggregation = TrendAggregation.Daily,
});

Console.WriteLine(trend.Summary);                  // UniqueUsers = 1, NewUsers = 1, ...
Console.WriteLine(KoreTrendJson.SerializeV2(trend)); // the Kore.ai v2 document
