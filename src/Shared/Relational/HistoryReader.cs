using System.Data.Common;
using EngagementMetrics.Events;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// Reads a bot's events for <see cref="IEventHistory.ReadEventsAsync"/> from its history segments: the days of the range,
/// then the days the touched conversations span (from each conversation's first and last day), in timestamp order with
/// ties in the order the store received them. One transaction, so one consistent moment.
/// </summary>
internal static class HistoryReader
{
    public static async Task<IReadOnlyList<InteractionEvent>> ReadAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken)
    {
        var bot = await BotAppend.ReadBotAsync(store, connection, transaction, botId, cancellationToken).ConfigureAwait(false);
        if (bot is null || toUtcTicks <= fromUtcTicks || toUtcTicks <= 0)
        {
            return [];
        }

        var firstDay = ActivitySegment.DayOf(Math.Max(0, fromUtcTicks));
        var lastDay = ActivitySegment.DayOf(Math.Min(DateTime.MaxValue.Ticks, toUtcTicks - 1));
        var window = await ReadDaysAsync(store, connection, transaction, botId, firstDay, lastDay, cancellationToken).ConfigureAwait(false);
        var touched = new HashSet<int>();
        foreach (var entry in window)
        {
            if (entry.Row.Ticks >= fromUtcTicks && entry.Row.Ticks < toUtcTicks && entry.Row.Conversation >= 0)
            {
                touched.Add(entry.Row.Conversation);
            }
        }

        bool Picked(in HistoryRow row) => (row.Ticks >= fromUtcTicks && row.Ticks < toUtcTicks) || (row.Conversation >= 0 && touched.Contains(row.Conversation));
        var picked = window.Where(e => Picked(e.Row)).ToList();

        var conversations = new Dictionary<int, string>();
        if (touched.Count > 0)
        {
            // The touched conversations' events outside the window's days: read the days they span beyond it.
            int spanFirst = firstDay, spanLast = lastDay;
            await using (var command = store.Command(connection, transaction, $"SELECT ordinal, conversation_id, first_day, last_day FROM {store.Names.Conversations} WHERE bot_id = @bot AND ordinal {store.InArray("ordinals")}"))
            {
                RelationalInteractionStore.Add(command, "bot", botId);
                store.AddIntArray(command, "ordinals", touched);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    conversations[reader.GetInt32(0)] = reader.GetString(1);
                    spanFirst = Math.Min(spanFirst, reader.GetInt32(2));
                    spanLast = Math.Max(spanLast, reader.GetInt32(3));
                }
            }

            if (spanFirst < firstDay)
            {
                picked.AddRange((await ReadDaysAsync(store, connection, transaction, botId, spanFirst, firstDay - 1, cancellationToken).ConfigureAwait(false)).Where(e => Picked(e.Row)));
            }

            if (spanLast > lastDay)
            {
                picked.AddRange((await ReadDaysAsync(store, connection, transaction, botId, lastDay + 1, spanLast, cancellationToken).ConfigureAwait(false)).Where(e => Picked(e.Row)));
            }
        }

        // Time order; equal ticks fall on one day, where segment order then position is the order received.
        picked.Sort(static (a, b) => a.Row.Ticks != b.Row.Ticks ? a.Row.Ticks.CompareTo(b.Row.Ticks) : a.Segment != b.Segment ? a.Segment.CompareTo(b.Segment) : a.Position.CompareTo(b.Position));

        var users = await NamesAsync(store, connection, transaction, botId, store.Names.Users, "user_id", [.. picked.Where(e => e.Row.User >= 0).Select(e => e.Row.User).Distinct()], cancellationToken).ConfigureAwait(false);
        var channels = await NamesAsync(store, connection, transaction, botId, store.Names.Channels, "channel", null, cancellationToken).ConfigureAwait(false);
        var labels = await NamesAsync(store, connection, transaction, botId, store.Names.Labels, "label", null, cancellationToken).ConfigureAwait(false);
        var events = new List<InteractionEvent>(picked.Count);
        foreach (var (row, _, _) in picked)
        {
            events.Add(new InteractionEvent
            {
                BotId = botId,
                AccountId = bot.AccountId,
                UserId = row.User >= 0 ? users[row.User] : null,
                ConversationId = row.Conversation >= 0 ? conversations[row.Conversation] : null,
                Timestamp = new DateTimeOffset(row.Ticks, TimeSpan.Zero),
                Kind = HistorySegment.KindOf(row.Code),
                Channel = channels[row.Channel],
                IntentMatched = HistorySegment.IntentMatchedOf(row.Code),
                Fallback = HistorySegment.FallbackOf(row.Code),
                Error = HistorySegment.ErrorOf(row.Code),
                Goal = row.Goal >= 0 ? labels[row.Goal] : null,
                Tag = row.Tag >= 0 ? labels[row.Tag] : null,
            });
        }

        return events;
    }

    private static async Task<List<(HistoryRow Row, long Segment, int Position)>> ReadDaysAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, int firstDay, int lastDay, CancellationToken cancellationToken)
    {
        var entries = new List<(HistoryRow, long, int)>();
        var rows = new List<HistoryRow>();
        await using var command = store.Command(connection, transaction, $"SELECT segment, body FROM {store.Names.History} WHERE bot_id = @bot AND day >= @first AND day <= @last ORDER BY day, segment");
        RelationalInteractionStore.Add(command, "bot", botId);
        RelationalInteractionStore.Add(command, "first", firstDay);
        RelationalInteractionStore.Add(command, "last", lastDay);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var segment = reader.GetInt64(0);
            rows.Clear();
            HistorySegment.Decode(reader.GetFieldValue<byte[]>(1), rows);
            for (var i = 0; i < rows.Count; i++)
            {
                entries.Add((rows[i], segment, i));
            }
        }

        return entries;
    }

    // Ordinal to name for a per-bot dictionary table; all of it, or only the given ordinals.
    private static async Task<Dictionary<int, string>> NamesAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, string table, string column, IReadOnlyCollection<int>? ordinals, CancellationToken cancellationToken)
    {
        var names = new Dictionary<int, string>();
        if (ordinals is { Count: 0 })
        {
            return names;
        }

        var filter = ordinals is null ? string.Empty : $" AND ordinal {store.InArray("ordinals")}";
        await using var command = store.Command(connection, transaction, $"SELECT ordinal, {column} FROM {table} WHERE bot_id = @bot{filter}");
        RelationalInteractionStore.Add(command, "bot", botId);
        if (ordinals is not null)
        {
            store.AddIntArray(command, "ordinals", ordinals);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names[reader.GetInt32(0)] = reader.GetString(1);
        }

        return names;
    }
}
