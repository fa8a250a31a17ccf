using System.Data.Common;
using EngagementMetrics.Events;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// One bot's share of an append, inside the batch's transaction and under the bot's append lock: account check,
/// dedupe, event rows, user / channel / conversation ordinals and facts, activity segments, and the bot's counters.
/// </summary>
internal sealed class BotAppend(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId)
{
    private static readonly string[] UserColumns = ["bot_id", "user_id", "ordinal", "first_seen"];
    private static readonly string[] ChannelColumns = ["bot_id", "channel", "ordinal"];
    private static readonly string[] ConversationColumns = ["bot_id", "conversation_id", "ordinal", "interactive", "closed"];
    private readonly RelationalNames _names = store.Names;

    /// <summary>Writes the bot's events (validated, of <paramref name="account"/>, ids unique among them); returns the bot's new row and how many ids were already stored.</summary>
    public async Task<(BotRow? Bot, int Duplicates)> RunAsync(IReadOnlyList<InteractionEvent> events, string account, BotRow? bot, CancellationToken cancellationToken)
    {
        // Idempotency: skip ids already stored.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var evt in events)
        {
            if (evt.EventId is { } id)
            {
                ids.Add(id);
            }
        }

        var existing = ids.Count == 0 ? [] : await ExistingEventIdsAsync(ids, cancellationToken).ConfigureAwait(false);
        var rows = new List<EventRow>(events.Count);
        var duplicates = 0;
        var sequence = bot?.EventCount ?? 0;
        foreach (var evt in events)
        {
            if (evt.EventId is { } id && existing.Contains(id))
            {
                duplicates++;
                continue;
            }

            rows.Add(new EventRow(botId, sequence++, evt, account));
        }

        if (rows.Count == 0)
        {
            return (bot, duplicates);
        }

        await store.InsertEventsAsync(connection, transaction, rows, cancellationToken).ConfigureAwait(false);
        var state = bot ?? new BotRow(account, 0, 0, 0, 0, 0);
        state = await WriteFactsAndActivityAsync(rows, state, cancellationToken).ConfigureAwait(false);
        state = state with { EventCount = sequence };
        await WriteBotAsync(state, isNew: bot is null, cancellationToken).ConfigureAwait(false);
        return (state, duplicates);
    }

    private async Task<BotRow> WriteFactsAndActivityAsync(List<EventRow> rows, BotRow bot, CancellationToken cancellationToken)
    {
        // Conversations: ordinals and facts (interactive, closed) for every stored event that names one.
        var conversationFacts = new Dictionary<string, ConversationFacts>(StringComparer.Ordinal);
        var activity = new List<InteractionEvent>(rows.Count);
        foreach (var row in rows)
        {
            var evt = row.Event;
            if (evt.ConversationId is { } conversation)
            {
                var facts = conversationFacts.GetValueOrDefault(conversation);
                if (evt.Kind.IsUserInput())
                {
                    facts |= ConversationFacts.Interactive;
                }
                else if (evt.Kind == InteractionKind.ConversationClosed)
                {
                    facts |= ConversationFacts.Closed;
                }

                conversationFacts[conversation] = facts;
            }

            if (evt.Kind.IsUserActivity())
            {
                activity.Add(evt);
            }
        }

        var conversationOrdinals = await UpsertConversationsAsync(conversationFacts, bot.ConversationCount, cancellationToken).ConfigureAwait(false);
        bot = bot with { ConversationCount = bot.ConversationCount + conversationOrdinals.Added };
        if (activity.Count == 0)
        {
            return bot;
        }

        // Time order decides new users' ordinals, so first-seen instants mostly rise with the ordinal (the engine's
        // fast path for placing them).
        activity.Sort(static (a, b) => a.Timestamp.UtcTicks.CompareTo(b.Timestamp.UtcTicks));
        var userOrdinals = await UpsertUsersAsync(activity, bot.UserCount, cancellationToken).ConfigureAwait(false);
        var channelOrdinals = await UpsertChannelsAsync(activity, bot.ChannelCount, cancellationToken).ConfigureAwait(false);
        bot = bot with { UserCount = bot.UserCount + userOrdinals.Added, ChannelCount = bot.ChannelCount + channelOrdinals.Added };

        var ticks = new long[activity.Count];
        var users = new int[activity.Count];
        var channels = new int[activity.Count];
        var conversations = new int[activity.Count];
        for (var i = 0; i < activity.Count; i++)
        {
            var evt = activity[i];
            ticks[i] = evt.Timestamp.UtcTicks;
            users[i] = userOrdinals.Map[evt.UserId!];
            channels[i] = channelOrdinals.Map[evt.NormalizedChannel];
            conversations[i] = evt.ConversationId is { } c ? conversationOrdinals.Map[c] : -1;
        }

        var segment = bot.SegmentSeq;
        var start = 0;
        while (start < ticks.Length)
        {
            var day = ActivitySegment.DayOf(ticks[start]);
            var end = start;
            while (end < ticks.Length && ActivitySegment.DayOf(ticks[end]) == day)
            {
                end++;
            }

            await InsertSegmentAsync(day, segment++, ticks.AsSpan(start, end - start).ToArray(), users[start..end], channels[start..end], conversations[start..end], cancellationToken).ConfigureAwait(false);
            segment = await CompactDayAsync(day, segment, cancellationToken).ConfigureAwait(false);
            start = end;
        }

        return bot with { SegmentSeq = segment };
    }

    public static async Task<BotRow?> ReadBotAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, CancellationToken cancellationToken)
    {
        await using var command = store.Command(connection, transaction, $"SELECT account_id, user_count, channel_count, conversation_count, event_count, segment_seq FROM {store.Names.Bots} WHERE bot_id = @bot");
        RelationalInteractionStore.Add(command, "bot", botId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new BotRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetInt64(5));
    }

    private async Task WriteBotAsync(BotRow bot, bool isNew, CancellationToken cancellationToken)
    {
        var sql = isNew
            ? $"INSERT INTO {_names.Bots} (bot_id, account_id, user_count, channel_count, conversation_count, event_count, segment_seq) VALUES (@bot, @account, @users, @channels, @conversations, @events, @segments)"
            : $"UPDATE {_names.Bots} SET user_count = @users, channel_count = @channels, conversation_count = @conversations, event_count = @events, segment_seq = @segments WHERE bot_id = @bot";
        await using var command = store.Command(connection, transaction, sql);
        RelationalInteractionStore.Add(command, "bot", botId);
        if (isNew)
        {
            RelationalInteractionStore.Add(command, "account", bot.AccountId);
        }

        RelationalInteractionStore.Add(command, "users", bot.UserCount);
        RelationalInteractionStore.Add(command, "channels", bot.ChannelCount);
        RelationalInteractionStore.Add(command, "conversations", bot.ConversationCount);
        RelationalInteractionStore.Add(command, "events", bot.EventCount);
        RelationalInteractionStore.Add(command, "segments", bot.SegmentSeq);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<HashSet<string>> ExistingEventIdsAsync(HashSet<string> ids, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var command = store.Command(connection, transaction, $"SELECT event_id FROM {_names.Events} WHERE bot_id = @bot AND event_id {store.InArray("ids")}");
        RelationalInteractionStore.Add(command, "bot", botId);
        store.AddStringArray(command, "ids", ids);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetString(0));
        }

        return found;
    }

    private async Task<Ordinals> UpsertUsersAsync(List<InteractionEvent> activity, int userCount, CancellationToken cancellationToken)
    {
        // Earliest instant of each user in this batch (activity is time-ordered, so the first occurrence).
        var earliest = new Dictionary<string, long>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var evt in activity)
        {
            if (earliest.TryAdd(evt.UserId!, evt.Timestamp.UtcTicks))
            {
                order.Add(evt.UserId!);
            }
        }

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var later = new List<(string User, long Ticks)>();
        await using (var command = store.Command(connection, transaction, $"SELECT user_id, ordinal, first_seen FROM {_names.Users} WHERE bot_id = @bot AND user_id {store.InArray("ids")}"))
        {
            RelationalInteractionStore.Add(command, "bot", botId);
            store.AddStringArray(command, "ids", order);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var user = reader.GetString(0);
                map[user] = reader.GetInt32(1);
                var ticks = earliest[user];
                if (ticks < reader.GetInt64(2))
                {
                    later.Add((user, ticks));
                }
            }
        }

        var added = new List<object?[]>();
        foreach (var user in order)
        {
            if (!map.ContainsKey(user))
            {
                var ordinal = userCount + added.Count;
                map[user] = ordinal;
                added.Add([botId, user, ordinal, earliest[user]]);
            }
        }

        await store.InsertRowsAsync(connection, transaction, _names.Users, UserColumns, added, cancellationToken).ConfigureAwait(false);
        if (later.Count > 0)
        {
            // A late event moved a known user's first-seen instant back.
            await using var update = store.Command(connection, transaction, $"UPDATE {_names.Users} SET first_seen = @ticks WHERE bot_id = @bot AND user_id = @user");
            RelationalInteractionStore.Add(update, "bot", botId);
            RelationalInteractionStore.Add(update, "user", string.Empty);
            RelationalInteractionStore.Add(update, "ticks", 0L);
            foreach (var (user, ticks) in later)
            {
                update.Parameters["user"].Value = user;
                update.Parameters["ticks"].Value = ticks;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new Ordinals(map, added.Count);
    }

    private async Task<Ordinals> UpsertChannelsAsync(List<InteractionEvent> activity, int channelCount, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var evt in activity)
        {
            if (distinct.Add(evt.NormalizedChannel))
            {
                names.Add(evt.NormalizedChannel);
            }
        }

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = store.Command(connection, transaction, $"SELECT channel, ordinal FROM {_names.Channels} WHERE bot_id = @bot AND channel {store.InArray("ids")}"))
        {
            RelationalInteractionStore.Add(command, "bot", botId);
            store.AddStringArray(command, "ids", names);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                map[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        var added = new List<object?[]>();
        foreach (var name in names)
        {
            if (!map.ContainsKey(name))
            {
                map[name] = channelCount + added.Count;
                added.Add([botId, name, map[name]]);
            }
        }

        await store.InsertRowsAsync(connection, transaction, _names.Channels, ChannelColumns, added, cancellationToken).ConfigureAwait(false);
        return new Ordinals(map, added.Count);
    }

    private async Task<Ordinals> UpsertConversationsAsync(Dictionary<string, ConversationFacts> facts, int conversationCount, CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        if (facts.Count == 0)
        {
            return new Ordinals(map, 0);
        }

        var changed = new List<(string Id, ConversationFacts Facts)>();
        await using (var command = store.Command(connection, transaction, $"SELECT conversation_id, ordinal, interactive, closed FROM {_names.Conversations} WHERE bot_id = @bot AND conversation_id {store.InArray("ids")}"))
        {
            RelationalInteractionStore.Add(command, "bot", botId);
            store.AddStringArray(command, "ids", facts.Keys);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                map[id] = reader.GetInt32(1);
                var stored = (reader.GetBoolean(2) ? ConversationFacts.Interactive : 0) | (reader.GetBoolean(3) ? ConversationFacts.Closed : 0);
                var merged = stored | facts[id];
                if (merged != stored)
                {
                    changed.Add((id, merged));
                }
            }
        }

        var added = new List<object?[]>();
        foreach (var (id, f) in facts)
        {
            if (!map.ContainsKey(id))
            {
                map[id] = conversationCount + added.Count;
                added.Add([botId, id, map[id], (f & ConversationFacts.Interactive) != 0, (f & ConversationFacts.Closed) != 0]);
            }
        }

        await store.InsertRowsAsync(connection, transaction, _names.Conversations, ConversationColumns, added, cancellationToken).ConfigureAwait(false);
        if (changed.Count > 0)
        {
            await using var update = store.Command(connection, transaction, $"UPDATE {_names.Conversations} SET interactive = @interactive, closed = @closed WHERE bot_id = @bot AND conversation_id = @id");
            RelationalInteractionStore.Add(update, "bot", botId);
            RelationalInteractionStore.Add(update, "id", string.Empty);
            RelationalInteractionStore.Add(update, "interactive", false);
            RelationalInteractionStore.Add(update, "closed", false);
            foreach (var (id, f) in changed)
            {
                update.Parameters["id"].Value = id;
                update.Parameters["interactive"].Value = (f & ConversationFacts.Interactive) != 0;
                update.Parameters["closed"].Value = (f & ConversationFacts.Closed) != 0;
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return new Ordinals(map, added.Count);
    }

    private async Task InsertSegmentAsync(int day, long segment, long[] ticks, int[] users, int[] channels, int[] conversations, CancellationToken cancellationToken)
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

    // Keeps reads cheap: a day with more than MaxSegmentsPerDay segments is rewritten as one time-ordered segment.
    private async Task<long> CompactDayAsync(int day, long nextSegment, CancellationToken cancellationToken)
    {
        var segments = new List<(byte[] Core, byte[] Dims)>();
        await using (var count = store.Command(connection, transaction, $"SELECT COUNT(*) FROM {_names.Activity} WHERE bot_id = @bot AND day = @day"))
        {
            RelationalInteractionStore.Add(count, "bot", botId);
            RelationalInteractionStore.Add(count, "day", day);
            if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) <= RelationalInteractionStore.MaxSegmentsPerDay)
            {
                return nextSegment;
            }
        }

        await using (var read = store.Command(connection, transaction, $"SELECT core, dims FROM {_names.Activity} WHERE bot_id = @bot AND day = @day ORDER BY segment"))
        {
            RelationalInteractionStore.Add(read, "bot", botId);
            RelationalInteractionStore.Add(read, "day", day);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                segments.Add((reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1)));
            }
        }

        var total = segments.Sum(s => ActivitySegment.CountOf(s.Core));
        var ticks = new long[total];
        var users = new int[total];
        var channels = new int[total];
        var conversations = new int[total];
        var at = 0;
        foreach (var (core, dims) in segments)
        {
            var n = ActivitySegment.DecodeCore(core, ticks.AsSpan(at), users.AsSpan(at));
            ActivitySegment.DecodeDims(dims, channels.AsSpan(at, n), conversations.AsSpan(at, n));
            at += n;
        }

        SegmentMerge.SortByTime(ticks, users, channels, conversations, total);
        await using (var delete = store.Command(connection, transaction, $"DELETE FROM {_names.Activity} WHERE bot_id = @bot AND day = @day"))
        {
            RelationalInteractionStore.Add(delete, "bot", botId);
            RelationalInteractionStore.Add(delete, "day", day);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertSegmentAsync(day, nextSegment, ticks, users, channels, conversations, cancellationToken).ConfigureAwait(false);
        return nextSegment + 1;
    }

    private sealed record Ordinals(Dictionary<string, int> Map, int Added);
}

/// <summary>A bot's row: owner account and the counters that hand out ordinals and sequence numbers.</summary>
internal sealed record BotRow(string AccountId, int UserCount, int ChannelCount, int ConversationCount, long EventCount, long SegmentSeq);
