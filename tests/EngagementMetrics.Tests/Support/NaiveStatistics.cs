using EngagementMetrics.Events;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Tests.Support;

/// <summary>
/// statistics.md read literally, one value at a time, from one bot's whole history: no buckets plan, no accumulation,
/// no shared code with the engine. Slow on purpose.
/// </summary>
internal static class NaiveStatistics
{
    /// <summary>The channel of an event as the rows name it: lower case, <c>default</c> when absent.</summary>
    public static string ChannelOf(InteractionEvent e) => string.IsNullOrEmpty(e.Channel) ? "default" : e.Channel.ToLowerInvariant();

    /// <summary>
    /// The value of <paramref name="type"/> in the bucket labelled <paramref name="period"/> for the bot whose whole history
    /// is <paramref name="botEvents"/> (in the order the store received them), on <paramref name="channel"/>.
    /// </summary>
    /// <param name="bucket">The label of the window bucket holding an instant (UTC ticks), null outside the window.</param>
    public static decimal? Value(IReadOnlyList<InteractionEvent> botEvents, string channel, StatisticType type, string period, Func<long, string?> bucket)
    {
        static long T(InteractionEvent e) => e.Timestamp.UtcTicks;
        var here = botEvents.Where(e => ChannelOf(e) == channel && bucket(T(e)) == period).ToList();
        switch (type)
        {
            case StatisticType.NewUser or StatisticType.ReturningUser or StatisticType.ActiveUser:
                var active = here.Where(e => e.Kind.IsUserActivity()).Select(e => e.UserId!).Distinct().ToList();

                // First seen: over every channel and all time.
                var isNew = active.Count(u => bucket(botEvents.Where(e => e.Kind.IsUserActivity() && e.UserId == u).Min(T)) == period);
                return type switch { StatisticType.NewUser => isNew, StatisticType.ReturningUser => active.Count - isNew, _ => active.Count };
            case StatisticType.Messages: return here.Count(e => e.Kind.IsUserActivity());
            case StatisticType.ActionMessages: return here.Count(e => e.Kind == InteractionKind.ActionIn);
            case StatisticType.FallbackReply: return here.Count(e => e.Kind == InteractionKind.MessageOut && e.Fallback == true);
            case StatisticType.NlpDetected: return here.Count(e => e.Kind == InteractionKind.MessageIn && e.IntentMatched == true);
            case StatisticType.NlpMissed: return here.Count(e => e.Kind == InteractionKind.MessageIn && e.IntentMatched == false);
            case StatisticType.GoalReached: return here.Count(e => e.Kind == InteractionKind.GoalReached);
            case StatisticType.IncomingMessage: return here.Count(e => e.Kind.IsUserInput());
            case StatisticType.ApiRequest: return here.Count(e => e.Kind == InteractionKind.ApiRequest);
            case StatisticType.ApiRequestError: return here.Count(e => e.Kind == InteractionKind.ApiRequest && e.Error == true);
            case StatisticType.OperatorMessage: return here.Count(e => e.Kind == InteractionKind.AgentMessage);
            case StatisticType.TagHit: return here.Count(e => e.Kind == InteractionKind.TagHit);
        }

        // Conversation metrics: conversations whose earliest event is on the channel, each over its whole history.
        var samples = new List<decimal>();
        foreach (var conversation in botEvents.Where(e => e.ConversationId is not null).GroupBy(e => e.ConversationId))
        {
            var list = conversation.OrderBy(T).ToList();
            if (ChannelOf(list[0]) != channel)
            {
                continue;
            }

            var close = list.FirstOrDefault(e => e.Kind == InteractionKind.ConversationClosed);
            switch (type)
            {
                case StatisticType.ConversationLength when close is not null && bucket(T(close)) == period:
                    samples.Add(T(close) - T(list[0]));
                    break;
                case StatisticType.SupportConversationLength when close is not null && bucket(T(close)) == period:
                    if (list.FirstOrDefault(e => e.Kind == InteractionKind.AgentJoined && T(e) <= T(close)) is { } join)
                    {
                        samples.Add(T(close) - T(join));
                    }

                    break;
                case StatisticType.TakeoverRate when bucket(T(list[0])) == period:
                    samples.Add(list.Any(e => e.Kind == InteractionKind.AgentJoined) ? 100 * TimeSpan.TicksPerSecond : 0);
                    break;
                case StatisticType.TimeToPickUp:
                    long? wait = null;
                    foreach (var e in list)
                    {
                        if (e.Kind == InteractionKind.HandoverRequested)
                        {
                            wait ??= T(e);
                        }
                        else if (e.Kind == InteractionKind.AgentJoined && wait is { } since)
                        {
                            if (bucket(T(e)) == period)
                            {
                                samples.Add(T(e) - since);
                            }

                            wait = null;
                        }
                    }

                    break;
                case StatisticType.TimeToFirstMessage:
                    var asked = list.FindIndex(e => e.Kind.IsUserInput());
                    if (asked >= 0 && bucket(T(list[asked])) == period
                        && list.Skip(asked + 1).FirstOrDefault(e => e.Kind is InteractionKind.MessageOut or InteractionKind.AgentMessage) is { } reply)
                    {
                        samples.Add(T(reply) - T(list[asked]));
                    }

                    break;
            }
        }

        // Samples are in ticks (the takeover's 100 % too), so one rounding rule serves every mean.
        return samples.Count == 0 ? null : Math.Round(samples.Sum() / samples.Count / TimeSpan.TicksPerSecond, 2, MidpointRounding.AwayFromZero);
    }
}
