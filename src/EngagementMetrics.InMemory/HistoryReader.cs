using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.InMemory;

/// <summary>
/// Rebuilds events for <see cref="IEventHistory.ReadEventsAsync"/> from a published <see cref="BotState"/>: the
/// user-activity chunks and the <see cref="HistoryLog"/>, merged in timestamp order with ties in storage order.
/// </summary>
/// <remarks>
/// Chunks hold their ties in storage order, and so does the log; between the two, a log record's tie rank says how
/// many user-activity events with its timestamp were stored before it, so it goes after exactly those. Events come
/// back without <see cref="InteractionEvent.EventId"/> (the store keeps only fingerprints of ids), with the bot's
/// account, a UTC timestamp and the normalised channel.
/// </remarks>
internal static class HistoryReader
{
    public static IReadOnlyList<InteractionEvent> Read(BotState state, long from, long to)
    {
        // 1. The conversations with an event in the range.
        var touched = new bool[state.ConversationCount];
        var anyTouched = false;
        for (var c = 0; c < state.Chunks.Length; c++)
        {
            var chunk = state.Chunks[c];
            var ticks = chunk.Ticks.AsSpan(0, state.Counts[c]);
            var end = SortedTicks.LowerBound(ticks, to);
            for (var i = SortedTicks.LowerBound(ticks, from); i < end; i++)
            {
                var conversation = chunk.ConversationAt(i);
                if (conversation >= 0)
                {
                    touched[conversation] = true;
                    anyTouched = true;
                }
            }
        }

        var reader = state.History.Read();
        while (reader.Next(out var record))
        {
            if (record.Ticks >= from && record.Ticks < to && record.Conversation >= 0)
            {
                touched[record.Conversation] = true;
                anyTouched = true;
            }
        }

        // 2. The records picked from the log, in timestamp order (ties in storage order).
        var others = new List<(HistoryRecord Record, int Index)>();
        reader = state.History.Read();
        while (true)
        {
            var index = reader.Index;
            if (!reader.Next(out var record))
            {
                break;
            }

            if ((record.Ticks >= from && record.Ticks < to) || (record.Conversation >= 0 && touched[record.Conversation]))
            {
                others.Add((record, index));
            }
        }

        others.Sort(static (a, b) => a.Record.Ticks != b.Record.Ticks ? a.Record.Ticks.CompareTo(b.Record.Ticks) : a.Index.CompareTo(b.Index));

        // 3. Merge with the picked user-activity events.
        var builder = new Builder(state);
        var result = new List<InteractionEvent>();
        var next = 0;
        var runTicks = long.MinValue;
        var rank = 0;
        for (var c = 0; c < state.Chunks.Length; c++)
        {
            var chunk = state.Chunks[c];
            var count = state.Counts[c];
            var ticks = chunk.Ticks.AsSpan(0, count);
            var start = 0;
            if (!anyTouched)
            {
                if (count == 0 || ticks[^1] < from || ticks[0] >= to)
                {
                    continue;
                }

                start = SortedTicks.LowerBound(ticks, from);
                count = SortedTicks.LowerBound(ticks, to);
            }

            for (var i = start; i < count; i++)
            {
                var t = ticks[i];
                rank = t == runTicks ? rank + 1 : 0;
                runTicks = t;
                var conversation = chunk.ConversationAt(i);
                if ((t < from || t >= to) && (conversation < 0 || !touched[conversation]))
                {
                    continue;
                }

                // Log records earlier, or as early and stored before this event.
                while (next < others.Count && (others[next].Record.Ticks < t || (others[next].Record.Ticks == t && others[next].Record.TieRank <= rank)))
                {
                    result.Add(builder.Other(others[next++].Record));
                }

                result.Add(builder.Activity(chunk, i));
            }
        }

        while (next < others.Count)
        {
            result.Add(builder.Other(others[next++].Record));
        }

        return result;
    }

    private sealed class Builder(BotState state)
    {
        private readonly Dictionary<int, string> _conversations = [];
        private readonly Dictionary<long, string> _users = [];

        // A user ordinal times two, plus one for a user seen only outside user activity; each decoded once per read.
        private string User(long code)
        {
            if (!_users.TryGetValue(code, out var id))
            {
                _users[code] = id = (code & 1) == 0 ? state.UserIds[(int)(code >> 1)] : state.OtherUserIds[(int)(code >> 1)];
            }

            return id;
        }

        public InteractionEvent Activity(Chunk chunk, int i)
        {
            var details = chunk.Details[i];
            var flags = details >> 2;
            return new InteractionEvent
            {
                BotId = state.BotId,
                AccountId = state.AccountId,
                UserId = User(2L * chunk.Users[i]),
                ConversationId = Conversation(chunk.ConversationAt(i)),
                Timestamp = new DateTimeOffset(chunk.Ticks[i], TimeSpan.Zero),
                Kind = (InteractionKind)(details & 3),
                Channel = state.Channels[chunk.ChannelAt(i)],
                IntentMatched = EventDetails.IntentMatched(flags),
                Fallback = EventDetails.Fallback(flags),
                Error = EventDetails.Error(flags),
                Goal = chunk.Goals is { } goals && goals[i] > 0 ? state.Labels[goals[i] - 1] : null,
                Tag = chunk.Tags is { } tags && tags[i] > 0 ? state.Labels[tags[i] - 1] : null,
            };
        }

        public InteractionEvent Other(in HistoryRecord record) => new()
        {
            BotId = state.BotId,
            AccountId = state.AccountId,
            UserId = record.User == HistoryRecord.NoUser ? null : User(record.User),
            ConversationId = Conversation(record.Conversation),
            Timestamp = new DateTimeOffset(record.Ticks, TimeSpan.Zero),
            Kind = record.Kind,
            Channel = state.Channels[record.Channel],
            IntentMatched = EventDetails.IntentMatched(record.Details),
            Fallback = EventDetails.Fallback(record.Details),
            Error = EventDetails.Error(record.Details),
            Goal = record.Goal >= 0 ? state.Labels[record.Goal] : null,
            Tag = record.Tag >= 0 ? state.Labels[record.Tag] : null,
        };

        private string? Conversation(int ordinal)
        {
            if (ordinal < 0)
            {
                return null;
            }

            if (!_conversations.TryGetValue(ordinal, out var id))
            {
                _conversations[ordinal] = id = state.ConversationIds[ordinal];
            }

            return id;
        }
    }
}
