using EngagementMetrics.Events;
using EngagementMetrics.Sqlite;

// Usage: CrashWriter DATABASE_FILE COMMITTED_EVENTS DOOMED_EVENTS
var store = new SqliteInteractionStore($"Data Source={args[0]}");
var committed = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var doomed = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var origin = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

InteractionEvent[] Batch(string prefix, int count) =>
    [.. Enumerable.Range(0, count).Select(i => new InteractionEvent
    {
        BotId = "crash-bot",
        EventId = prefix + i,
        UserId = prefix + "user-" + (i % 5000),
        Timestamp = origin.AddSeconds(i),
        Kind = InteractionKind.MessageIn,
        Channel = "rtm",
    })];

await store.AppendAsync(Batch("a", committed));
Console.WriteLine("committed 1");
var big = Batch("b", doomed);
Console.WriteLine("started 2");
await store.AppendAsync(big);
Console.WriteLine("committed 2");
