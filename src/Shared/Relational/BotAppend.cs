using System.Buffers;
using System.Data.Common;
using System.Globalization;
using EngagementMetrics.Events;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// One bot's share of an append, inside the batch's transaction and under the bot's append lock: skip ids already
/// stored, hand out user / channel / label / conversation ordinals, keep first-seen and conversation facts current,
/// write the day segments (activity for the engine, history for the statistics), update the bot's counters. The core's
/// pipeline has already validated the events, checked their account and removed ids repeated within the batch.
/// </summary>
internal sealed class BotAppend(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId)
{
    private static readonly string[] UserColumns = ["bot_id", "user_id", "ordinal", "first_seen"];
    private static readonly string[] ConversationColumns = ["bot_id", "conversation_id", "ordinal", "interactive", "closed", "first_day", "last_day"];
    private readonly RelationalNames _names = store.Names;

    /// <summary>Writes the bot's events; returns the bot's new row and how many ids were already stored.</summary>
    public async Task<(BotRow? Bot, int Duplicates)> RunAsync(IReadOnlyList<InteractionEvent> events, string account, BotRow? bot, CancellationToken cancellationToken)
    {
        // Idempotency: the ids table takes the new ids set-based and says which were stored already.
        var ids = new List<string>();
        foreach (var evt in events)
        {
            if (evt.EventId is { } id)
            {
                ids.Add(id);
            }
        }

        var stored = ids.Count == 0 ? null : await store.InsertEventIdsAsync(connection, transaction, botId, ids, cancellationToken).ConfigureAwait(false);
        var accepted = new List<InteractionEvent>(events.Count);
        foreach (var evt in events)
        {
            if (evt.EventId is not { } id || !stored!.Contains(id))
            {
                accepted.Add(evt);
            }
        }

        var duplicates = events.Count - accepted.Count;
        if (accepted.Count == 0)
        {
            return (bot, duplicates);
        }

        // Time order, ties in the order received (a stable sort): segments are written in it, and new users and
        // conversations get their ordinals in it, so first-seen instants rise with the ordinal (the engine's fast path).
        // Per-batch arrays come from the pool: fresh ones of this size would be large objects, batch after batch.
        var count = accepted.Count;
        var order = ArrayPool<int>.Shared.Rent(count);
        var keys = ArrayPool<long>.Shared.Rent(count);
        var sorted = new InteractionEvent[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
                keys[i] = accepted[i].Timestamp.UtcTicks;
            }

            Array.Sort(keys, order, 0, count);
            StableTies(keys.AsSpan(0, count), order);
            for (var i = 0; i < count; i++)
            {
                sorted[i] = accepted[order[i]];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<long>.Shared.Return(keys);
        }

        var state = bot ?? new BotRow(account, 0, 0, 0, 0, 0, 0);
        var users = await UpsertUsersAsync(sorted, state.UserCount, cancellationToken).ConfigureAwait(false);
        var channels = await UpsertNamesAsync(_names.Channels, "channel", sorted.Select(static e => e.NormalizedChannel), state.ChannelCount, cancellationToken).ConfigureAwait(false);
        var labels = await UpsertNamesAsync(_names.Labels, "label", sorted.SelectMany(static e => new[] { e.Goal, e.Tag }).OfType<string>(), state.LabelCount, cancellationToken).ConfigureAwait(false);
        var conversations = await UpsertConversationsAsync(sorted, state.ConversationCount, cancellationToken).ConfigureAwait(false);
        state = state with
        {
            UserCount = state.UserCount + users.Added,
            ChannelCount = state.ChannelCount + channels.Added,
            LabelCount = state.LabelCount + labels.Added,
            ConversationCount = state.ConversationCount + conversations.Added,
        };

        var rows = ArrayPool<HistoryRow>.Shared.Rent(sorted.Length);
        for (var i = 0; i < sorted.Length; i++)
        {
            var evt = sorted[i];
            rows[i] = new HistoryRow(
                evt.Timestamp.UtcTicks,
                HistorySegment.Code(evt),
                evt.UserId is { } user ? users.Map[user] : -1,
                channels.Map[evt.NormalizedChannel],
                evt.ConversationId is { } conversation ? conversations.Map[conversation] : -1,
                evt.Goal is { } goal ? labels.Map[goal] : -1,
                evt.Tag is { } tag ? labels.Map[tag] : -1);
        }

        long segment;
        try
        {
            segment = await WriteSegmentsAsync(new ArraySegment<HistoryRow>(rows, 0, sorted.Length), state.SegmentSeq, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<HistoryRow>.Shared.Return(rows);
        }

        state = state with { SegmentSeq = segment, EventCount = state.EventCount + accepted.Count };
        await WriteBotAsync(state, isNew: bot is null, cancellationToken).ConfigureAwait(false);
        return (state, duplicates);
    }

    // Rows of a per-bot dictionary table whose key is one of `keys`, in statements of at most KeysPerStatement keys (so
    // no parameter is a large object and every statement stays small).
    private async Task LookupAsync(string sql, IReadOnlyList<string> keys, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        for (var start = 0; start < keys.Count; start += RelationalInteractionStore.KeysPerStatement)
        {
            var chunk = new string[Math.Min(RelationalInteractionStore.KeysPerStatement, keys.Count - start)];
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = keys[start + i];
            }

            await using var command = store.Command(connection, transaction, sql);
            RelationalInteractionStore.Add(command, "bot", botId);
            store.AddStringArray(command, "ids", chunk);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row(reader);
            }
        }
    }

    public static async Task<BotRow?> ReadBotAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction? transaction, string botId, CancellationToken cancellationToken)
    {
        await using var command = store.Command(connection, transaction, $"SELECT account_id, user_count, channel_count, label_count, conversation_count, event_count, segment_seq FROM {store.Names.Bots} WHERE bot_id = @bot");
        RelationalInteractionStore.Add(command, "bot", botId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new BotRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt64(5), reader.GetInt64(6));
    }

    // Array.Sort is not stable: within each run of equal ticks, put the original positions back in order.
    private static void StableTies(ReadOnlySpan<long> keys, int[] order)
    {
        var start = 0;
        for (var i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(order, start, i - start);
                }

                start = i;
            }
        }
    }

    private async Task WriteBotAsync(BotRow bot, bool isNew, CancellationToken cancellationToken)
    {
        var sql = isNew
            ? $"INSERT INTO {_names.Bots} (bot_id, account_id, user_count, channel_count, label_count, conversation_count, event_count, segment_seq) VALUES (@bot, @account, @users, @channels, @labels, @conversations, @events, @segments)"
            : $"UPDATE {_names.Bots} SET user_count = @users, channel_count = @channels, label_count = @labels, conversation_count = @conversations, event_count = @events, segment_seq = @segments WHERE bot_id = @bot";
        await using var command = store.Command(connection, transaction, sql);
        RelationalInteractionStore.Add(command, "bot", botId);
        if (isNew)
        {
            RelationalInteractionStore.Add(command, "account", bot.AccountId);
        }

        RelationalInteractionStore.Add(command, "users", bot.UserCount);
        RelationalInteractionStore.Add(command, "channels", bot.ChannelCount);
        RelationalInteractionStore.Add(command, "labels", bot.LabelCount);
        RelationalInteractionStore.Add(command, "conversations", bot.ConversationCount);
        RelationalInteractionStore.Add(command, "events", bot.EventCount);
        RelationalInteractionStore.Add(command, "segments", bot.SegmentSeq);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Every user an event names gets an ordinal; first_seen is the earliest user-activity instant, or long.MaxValue
    // (never active) for a user named only by other kinds of events.
    private async Task<Ordinals> UpsertUsersAsync(InteractionEvent[] sorted, int userCount, CancellationToken cancellationToken)
    {
        var earliest = new Dictionary<string, long>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var evt in sorted)
        {
            if (evt.UserId is not { } user)
            {
                continue;
            }

            var ticks = evt.Kind.IsUserActivity() ? evt.Timestamp.UtcTicks : long.MaxValue;
            if (earliest.TryGetValue(user, out var known))
            {
                if (ticks < known)
                {
                    earliest[user] = ticks;
                }
            }
            else
            {
                earliest[user] = ticks;
                order.Add(user);
            }
        }

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (order.Count == 0)
        {
            return new Ordinals(map, 0);
        }

        var later = new List<(string User, long Ticks)>();
        await LookupAsync($"SELECT user_id, ordinal, first_seen FROM {_names.Users} WHERE bot_id = @bot AND user_id {store.InArray("ids")}", order, reader =>
        {
            var user = reader.GetString(0);
            map[user] = reader.GetInt32(1);
            var ticks = earliest[user];
            if (ticks < reader.GetInt64(2))
            {
                later.Add((user, ticks));
            }
        }, cancellationToken).ConfigureAwait(false);

        // New users in order of their first activity (never-active ones last), so ordinals follow first-seen.
        var added = new List<object?[]>();
        foreach (var user in order.Where(u => !map.ContainsKey(u)).OrderBy(u => earliest[u]))
        {
            var ordinal = userCount + added.Count;
            map[user] = ordinal;
            added.Add([botId, user, ordinal, earliest[user]]);
        }

        await store.InsertRowsAsync(connection, transaction, _names.Users, UserColumns, added, cancellationToken).ConfigureAwait(false);
        if (later.Count > 0)
        {
            // A late event (or a first activity) moved a known user's first-seen instant back.
            await store.UpdateFirstSeenAsync(connection, transaction, botId, later, cancellationToken).ConfigureAwait(false);
        }

        // The same values in the first-seen pages queries read: every new user, and the known users moved back.
        var changes = new List<(int Ordinal, long Ticks)>(added.Count + later.Count);
        foreach (var row in added)
        {
            changes.Add(((int)row[2]!, (long)row[3]!));
        }

        foreach (var (user, ticks) in later)
        {
            changes.Add((map[user], ticks));
        }

        await FirstSeenPages.WriteAsync(store, connection, transaction, botId, userCount, userCount + added.Count, changes, cancellationToken).ConfigureAwait(false);
        return new Ordinals(map, added.Count);
    }

    // Channels and labels (goal and tag names): small per-bot dictionaries, numbered in order of first appearance.
    private async Task<Ordinals> UpsertNamesAsync(string table, string column, IEnumerable<string> values, int count, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (distinct.Add(value))
            {
                names.Add(value);
            }
        }

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (names.Count == 0)
        {
            return new Ordinals(map, 0);
        }

        await LookupAsync($"SELECT {column}, ordinal FROM {table} WHERE bot_id = @bot AND {column} {store.InArray("ids")}", names, reader => map[reader.GetString(0)] = reader.GetInt32(1), cancellationToken).ConfigureAwait(false);

        var added = new List<object?[]>();
        foreach (var name in names)
        {
            if (!map.ContainsKey(name))
            {
                map[name] = count + added.Count;
                added.Add([botId, name, map[name]]);
            }
        }

        await store.InsertRowsAsync(connection, transaction, table, ["bot_id", column, "ordinal"], added, cancellationToken).ConfigureAwait(false);
        return new Ordinals(map, added.Count);
    }

    private async Task<Ordinals> UpsertConversationsAsync(InteractionEvent[] sorted, int conversationCount, CancellationToken cancellationToken)
    {
        // Facts and the UTC days the conversation's events span (history reads find a conversation's other events by them).
        var facts = new Dictionary<string, ConversationRow>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var evt in sorted)
        {
            if (evt.ConversationId is not { } id)
            {
                continue;
            }

            var day = ActivitySegment.DayOf(evt.Timestamp.UtcTicks);
            var flags = evt.Kind.IsUserInput() ? ConversationFacts.Interactive : evt.Kind == InteractionKind.ConversationClosed ? ConversationFacts.Closed : ConversationFacts.None;
            if (facts.TryGetValue(id, out var known))
            {
                facts[id] = known with { Facts = known.Facts | flags, FirstDay = Math.Min(known.FirstDay, day), LastDay = Math.Max(known.LastDay, day) };
            }
            else
            {
                facts[id] = new ConversationRow(-1, flags, day, day);
                order.Add(id);
            }
        }

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (order.Count == 0)
        {
            return new Ordinals(map, 0);
        }

        var changed = new List<(string Id, ConversationRow Row)>();
        await LookupAsync($"SELECT conversation_id, ordinal, interactive, closed, first_day, last_day FROM {_names.Conversations} WHERE bot_id = @bot AND conversation_id {store.InArray("ids")}", order, reader =>
        {
            var id = reader.GetString(0);
            var stored = new ConversationRow(
                reader.GetInt32(1),
                (reader.GetBoolean(2) ? ConversationFacts.Interactive : 0) | (reader.GetBoolean(3) ? ConversationFacts.Closed : 0),
                reader.GetInt32(4),
                reader.GetInt32(5));
            map[id] = stored.Ordinal;
            var batch = facts[id];
            var merged = stored with { Facts = stored.Facts | batch.Facts, FirstDay = Math.Min(stored.FirstDay, batch.FirstDay), LastDay = Math.Max(stored.LastDay, batch.LastDay) };
            if (merged != stored)
            {
                changed.Add((id, merged));
            }
        }, cancellationToken).ConfigureAwait(false);

        var added = new List<object?[]>();
        foreach (var id in order)
        {
            if (!map.ContainsKey(id))
            {
                var row = facts[id];
                map[id] = conversationCount + added.Count;
                added.Add([botId, id, map[id], (row.Facts & ConversationFacts.Interactive) != 0, (row.Facts & ConversationFacts.Closed) != 0, row.FirstDay, row.LastDay]);
            }
        }

        await store.InsertRowsAsync(connection, transaction, _names.Conversations, ConversationColumns, added, cancellationToken).ConfigureAwait(false);
        if (changed.Count > 0)
        {
            await store.UpdateConversationsAsync(
                connection,
                transaction,
                botId,
                [.. changed.Select(static c => new ConversationUpdate(c.Id, (c.Row.Facts & ConversationFacts.Interactive) != 0, (c.Row.Facts & ConversationFacts.Closed) != 0, c.Row.FirstDay, c.Row.LastDay))],
                cancellationToken).ConfigureAwait(false);
        }

        return new Ordinals(map, added.Count);
    }

    // Per UTC day: one history segment (every event) and, when the day has user activity, one activity segment (the
    // engine's columns); a day over the segment limit is compacted.
    private async Task<long> WriteSegmentsAsync(ArraySegment<HistoryRow> rows, long segment, CancellationToken cancellationToken)
    {
        var start = 0;
        while (start < rows.Count)
        {
            var day = ActivitySegment.DayOf(rows[start].Ticks);
            var end = start;
            var activity = 0;
            while (end < rows.Count && ActivitySegment.DayOf(rows[end].Ticks) == day)
            {
                activity += HistorySegment.KindOf(rows[end].Code).IsUserActivity() ? 1 : 0;
                end++;
            }

            var body = HistorySegment.Encode(rows.AsSpan(start, end - start));
            await InsertHistoryAsync(day, segment, body, end - start, cancellationToken).ConfigureAwait(false);
            if (activity > 0)
            {
                var (ticks, users, channels, conversations) = ActivityColumns(rows.Slice(start, end - start), activity);
                await InsertActivityAsync(day, segment, ticks, users, channels, conversations, cancellationToken).ConfigureAwait(false);
            }

            segment++;
            segment = await CompactDayAsync(day, segment, cancellationToken).ConfigureAwait(false);
            start = end;
        }

        return segment;
    }

    // The engine's columns: the user-activity events among the rows, in their order.
    private static (long[] Ticks, int[] Users, int[] Channels, int[] Conversations) ActivityColumns(IReadOnlyList<HistoryRow> rows, int activity)
    {
        var ticks = new long[activity];
        var users = new int[activity];
        var channels = new int[activity];
        var conversations = new int[activity];
        var at = 0;
        foreach (var row in rows)
        {
            if (HistorySegment.KindOf(row.Code).IsUserActivity())
            {
                ticks[at] = row.Ticks;
                users[at] = row.User;
                channels[at] = row.Channel;
                conversations[at] = row.Conversation;
                at++;
            }
        }

        return (ticks, users, channels, conversations);
    }

    private async Task InsertActivityAsync(int day, long segment, long[] ticks, int[] users, int[] channels, int[] conversations, CancellationToken cancellationToken)
    {
        await using var command = store.Command(
            connection,
            transaction,
            $"INSERT INTO {_names.Activity} (bot_id, day, segment, event_count, min_ticks, max_ticks, core, dims) VALUES (@bot, @day, @segment, @count, @min, @max, @core, @dims)");
        RelationalInteractionStore.Add(command, "bot", botId);
        RelationalInteractionStore.Add(command, "day", day);
        RelationalInteractionStore.Add(command, "segment", segment);
        RelationalInteractionStore.Add(command, "count", ticks.Length);
        RelationalInteractionStore.Add(command, "min", ticks[0]);
        RelationalInteractionStore.Add(command, "max", ticks[^1]);
        RelationalInteractionStore.Add(command, "core", ActivitySegment.EncodeCore(ticks, users));
        RelationalInteractionStore.Add(command, "dims", ActivitySegment.EncodeDims(channels, conversations));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task InsertHistoryAsync(int day, long segment, byte[] body, int count, CancellationToken cancellationToken)
    {
        await using var command = store.Command(connection, transaction, $"INSERT INTO {_names.History} (bot_id, day, segment, event_count, body) VALUES (@bot, @day, @segment, @count, @body)");
        RelationalInteractionStore.Add(command, "bot", botId);
        RelationalInteractionStore.Add(command, "day", day);
        RelationalInteractionStore.Add(command, "segment", segment);
        RelationalInteractionStore.Add(command, "count", count);
        RelationalInteractionStore.Add(command, "body", body);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // Keeps reads cheap: a day with more than MaxSegmentsPerDay segments is rewritten as one segment per table, in
    // time order (history ties in the order received: segment order, then position).
    private async Task<long> CompactDayAsync(int day, long nextSegment, CancellationToken cancellationToken)
    {
        await using (var count = store.Command(connection, transaction, $"SELECT COUNT(*) FROM {_names.History} WHERE bot_id = @bot AND day = @day"))
        {
            RelationalInteractionStore.Add(count, "bot", botId);
            RelationalInteractionStore.Add(count, "day", day);
            if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) <= RelationalInteractionStore.MaxSegmentsPerDay)
            {
                return nextSegment;
            }
        }

        var rows = new List<HistoryRow>();
        await using (var read = store.Command(connection, transaction, $"SELECT body FROM {_names.History} WHERE bot_id = @bot AND day = @day ORDER BY segment"))
        {
            RelationalInteractionStore.Add(read, "bot", botId);
            RelationalInteractionStore.Add(read, "day", day);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                HistorySegment.Decode(reader.GetFieldValue<byte[]>(0), rows);
            }
        }

        // Stable: rows come in segment order, so equal ticks keep the order they were received in.
        var merged = rows.Select((row, index) => (row, index)).OrderBy(static p => p.row.Ticks).ThenBy(static p => p.index).Select(static p => p.row).ToArray();
        foreach (var table in new[] { _names.History, _names.Activity })
        {
            await using var delete = store.Command(connection, transaction, $"DELETE FROM {table} WHERE bot_id = @bot AND day = @day");
            RelationalInteractionStore.Add(delete, "bot", botId);
            RelationalInteractionStore.Add(delete, "day", day);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Rewrite both from the history, which holds every event of the day; the activity segment follows from it.
        await InsertHistoryAsync(day, nextSegment, HistorySegment.Encode(merged), merged.Length, cancellationToken).ConfigureAwait(false);
        var activity = merged.Count(static r => HistorySegment.KindOf(r.Code).IsUserActivity());
        if (activity > 0)
        {
            var (ticks, users, channels, conversations) = ActivityColumns(merged, activity);
            await InsertActivityAsync(day, nextSegment, ticks, users, channels, conversations, cancellationToken).ConfigureAwait(false);
        }

        return nextSegment + 1;
    }

    private sealed record Ordinals(Dictionary<string, int> Map, int Added);

    private sealed record ConversationRow(int Ordinal, ConversationFacts Facts, int FirstDay, int LastDay);
}

/// <summary>A bot's row: owner account and the counters that hand out ordinals and segment numbers.</summary>
internal sealed record BotRow(string AccountId, int UserCount, int ChannelCount, int LabelCount, int ConversationCount, long EventCount, long SegmentSeq);
