using EngagementMetrics.Events;

namespace EngagementMetrics.Benchmarks;

/// <summary>The benchmark history: events spread over 30 local days in Asia/Kolkata, users drawn uniformly, time-ordered.</summary>
internal static class BenchmarkData
{
    public const string Bot = "bench";
    public static readonly DateOnly Start = new(2025, 6, 1);

    /// <summary>UTC ticks and user numbers of <paramref name="events"/> events (seed 12345).</summary>
    public static (long[] Ticks, int[] Users) Generate(int events, int users)
    {
        var random = new Random(12345);
        var from = new DateTimeOffset(Start.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(5.5)).UtcTicks;
        var span = TimeSpan.FromDays(30).Ticks;
        var ticks = new long[events];
        for (var i = 0; i < ticks.Length; i++)
        {
            ticks[i] = from + random.NextInt64(span);
        }

        Array.Sort(ticks);
        var userOf = new int[events];
        for (var i = 0; i < events; i++)
        {
            userOf[i] = random.Next(users);
        }

        return (ticks, userOf);
    }

    /// <summary>The events as a host app records them: an id each, user and bot messages, one channel.</summary>
    public static IEnumerable<InteractionEvent[]> Batches(long[] ticks, int[] users, int batchSize, int offset = 0)
    {
        var names = new Dictionary<int, string>();
        for (var start = 0; start < ticks.Length; start += batchSize)
        {
            var batch = new InteractionEvent[Math.Min(batchSize, ticks.Length - start)];
            for (var i = 0; i < batch.Length; i++)
            {
                var at = start + i;
                if (!names.TryGetValue(users[at], out var name))
                {
                    names[users[at]] = name = "user-" + users[at];
                }

                batch[i] = new InteractionEvent
                {
                    BotId = Bot,
                    EventId = "ev-" + (offset + at),
                    UserId = name,
                    Timestamp = new DateTimeOffset(ticks[at], TimeSpan.Zero),
                    Kind = at % 3 == 0 ? InteractionKind.MessageOut : InteractionKind.MessageIn,
                    Channel = "rtm",
                };
            }

            yield return batch;
        }
    }
}
