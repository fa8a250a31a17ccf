using System.Buffers;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// A bot's history as of one database transaction (REPEATABLE READ on PostgreSQL, a WAL read transaction on
/// SQLite): every read of the snapshot sees the same committed batches.
/// </summary>
/// <remarks>
/// The query path allocates nothing per event, per user or per segment: rows are read through <see cref="RowReader"/>
/// (SQLite hands out its own memory for blobs, PostgreSQL copies them into pooled buffers), first-seen values come
/// from the bot's first-seen pages into a pooled array, and segments decode into pooled columns. Pooled arrays go
/// back to the pool when the snapshot is disposed, so what it returns is valid until then.
/// </remarks>
internal sealed class RelationalSnapshot : IActivitySnapshot
{
    private readonly RelationalInteractionStore _store;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly BotVersion _version;
    private long[]? _firstSeen;
    private long[]? _keptFirstSeen;
    private long[] _ticks = [];
    private int[] _users = [];
    private int[] _channels = [];
    private int[] _conversations = [];

    private RelationalSnapshot(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, BotVersion version, string[] channels)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _version = version;
        BotId = botId;
        AccountId = version.AccountId;
        UserCount = version.Users;
        ConversationCount = version.Conversations;
        Channels = channels;
    }

    public string BotId { get; }

    public string AccountId { get; }

    public int UserCount { get; }

    public int ConversationCount { get; }

    public IReadOnlyList<string> Channels { get; }

    public static async Task<RelationalSnapshot?> OpenAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, CancellationToken cancellationToken)
    {
        var names = store.Names;
        BotVersion version;
        await using (var reader = await store.ReadRowsAsync(connection, transaction, $"{store.SnapshotPrologue}SELECT account_id, user_count, channel_count, conversation_count, event_count, segment_seq FROM {names.Bots} WHERE bot_id = @bot", botId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            version = new BotVersion(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetInt64(5));
        }

        var cache = store.Cache;
        if (cache.GetChannels(botId, version) is not { } channels)
        {
            channels = new string[version.Channels];
            await using (var reader = await store.ReadRowsAsync(connection, transaction, $"SELECT ordinal, channel FROM {names.Channels} WHERE bot_id = @bot", botId, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    channels[reader.GetInt32(0)] = reader.GetString(1);
                }
            }

            if (cache.Enabled)
            {
                cache.SetChannels(botId, version, channels);
            }
        }

        return new RelationalSnapshot(store, connection, transaction, botId, version, channels);
    }

    /// <summary>
    /// Every user's first-seen ticks, read once from the bot's first-seen pages: into a pooled array, or, with the
    /// store's query cache on, into an array the cache keeps for this version of the bot (and taken from it when kept).
    /// </summary>
    public async ValueTask<ReadOnlyMemory<long>> GetFirstSeenAsync(CancellationToken cancellationToken = default)
    {
        if (_keptFirstSeen is not null)
        {
            return _keptFirstSeen;
        }

        var cache = _store.Cache;
        if (_firstSeen is null && cache.Enabled)
        {
            if (cache.GetFirstSeen(BotId, _version) is not { } kept)
            {
                kept = new long[UserCount];
                await FirstSeenPages.ReadAsync(_store, _connection, _transaction, BotId, kept, cancellationToken).ConfigureAwait(false);
                cache.SetFirstSeen(BotId, _version, kept);
            }

            _keptFirstSeen = kept;
            return kept;
        }

        if (_firstSeen is null)
        {
            var firstSeen = ArrayPool<long>.Shared.Rent(Math.Max(1, UserCount));
            try
            {
                await FirstSeenPages.ReadAsync(_store, _connection, _transaction, BotId, firstSeen.AsMemory(0, UserCount), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                ArrayPool<long>.Shared.Return(firstSeen);
                throw;
            }

            _firstSeen = firstSeen;
        }

        return _firstSeen.AsMemory(0, UserCount);
    }

    public async ValueTask CopyConversationFactsAsync(Memory<ConversationFacts> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length < ConversationCount)
        {
            throw new ArgumentException($"The destination holds {destination.Length} entries; {ConversationCount} are needed.", nameof(destination));
        }

        if (ConversationCount == 0)
        {
            return;
        }

        // Facts change with appends (a conversation closes, becomes interactive): kept for this version of the bot only.
        var cache = _store.Cache;
        if (cache.Enabled && cache.GetConversationFacts(BotId, _version) is { } kept)
        {
            kept.AsSpan().CopyTo(destination.Span);
            return;
        }

        await ReadConversationFactsAsync(destination[..ConversationCount], cancellationToken).ConfigureAwait(false);
        if (cache.Enabled)
        {
            cache.SetConversationFacts(BotId, _version, destination.Span[..ConversationCount].ToArray());
        }
    }

    private async ValueTask ReadConversationFactsAsync(Memory<ConversationFacts> destination, CancellationToken cancellationToken)
    {
        if (_store.ConversationFactsBlobSql is { } blobSql)
        {
            await using var blob = await _store.ReadRowsAsync(_connection, _transaction, blobSql, BotId, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!await blob.ReadAsync(cancellationToken).ConfigureAwait(false) || !CopyFacts(blob, destination.Span[..ConversationCount]))
            {
                throw new InvalidDataException($"Bot '{BotId}' does not hold facts for its {ConversationCount} conversations. The store is damaged.");
            }

            return;
        }

        await using var reader = await _store.ReadRowsAsync(_connection, _transaction, $"SELECT ordinal, interactive, closed FROM {_store.Names.Conversations} WHERE bot_id = @bot", BotId, cancellationToken: cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            destination.Span[reader.GetInt32(0)] =
                (reader.GetBoolean(1) ? ConversationFacts.Interactive : ConversationFacts.None) | (reader.GetBoolean(2) ? ConversationFacts.Closed : ConversationFacts.None);
        }
    }

    public IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default) =>
        ScanAsync(fromUtcTicks, toUtcTicks, ActivityColumns.All, cancellationToken);

    /// <summary>
    /// Reads the segments of the days the range touches, one day per batch, merged into time order; the <c>dims</c>
    /// blobs (channels and conversations) only when <paramref name="columns"/> names either. With the store's query
    /// cache on, days kept from earlier queries are not read again when their segments are still the same.
    /// </summary>
    public async IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, ActivityColumns columns, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (toUtcTicks <= fromUtcTicks || toUtcTicks <= 0)
        {
            yield break;
        }

        var dims = columns != ActivityColumns.TimeAndUser;
        var firstDay = ActivitySegment.DayOf(Math.Max(0, fromUtcTicks));
        var lastDay = ActivitySegment.DayOf(Math.Min(DateTime.MaxValue.Ticks, toUtcTicks - 1));
        var cache = _store.Cache;
        if (!cache.Enabled)
        {
            await foreach (var batch in ReadDaysAsync(firstDay, lastDay, dims, fromUtcTicks, toUtcTicks, null, cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }

            yield break;
        }

        // Which segments each day has: kept for this version of the bot, or read (small rows, no blobs) when some day
        // of the range is kept and may be reused; when none is, the days are read whole and the directory with them.
        var directory = cache.GetDirectory(BotId, _version, firstDay, lastDay);
        if (directory is null && cache.HasAnyDay(BotId, firstDay, lastDay))
        {
            var read = await ReadDirectoryAsync(firstDay, lastDay, cancellationToken).ConfigureAwait(false);
            cache.SetDirectory(BotId, _version, firstDay, lastDay, read);
            directory = read;
        }

        if (directory is null)
        {
            var found = new Dictionary<int, SegmentKey[]>();
            await foreach (var batch in ReadDaysAsync(firstDay, lastDay, dims, fromUtcTicks, toUtcTicks, found, cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }

            cache.SetDirectory(BotId, _version, firstDay, lastDay, found);
            yield break;
        }

        var day = firstDay;
        while (day <= lastDay)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!directory.TryGetValue(day, out var segments))
            {
                day++;
                continue;
            }

            if (cache.GetDay(BotId, day, segments, dims) is { } kept)
            {
                if (Slice(kept, fromUtcTicks, toUtcTicks) is { } batch)
                {
                    yield return batch;
                }

                day++;
                continue;
            }

            // A run of days that are not kept (or kept from other segments) is read in one statement.
            var runEnd = day;
            for (var next = day + 1; next <= lastDay; next++)
            {
                if (directory.TryGetValue(next, out var nextSegments) && cache.GetDay(BotId, next, nextSegments, dims) is not null)
                {
                    break;
                }

                runEnd = next;
            }

            await foreach (var batch in ReadDaysAsync(day, runEnd, dims, fromUtcTicks, toUtcTicks, new Dictionary<int, SegmentKey[]>(), cancellationToken).ConfigureAwait(false))
            {
                yield return batch;
            }

            day = runEnd + 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReturnBuffers();
        try
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    // One byte per conversation, in ordinal order; false when the blob does not hold exactly one per conversation.
    private static bool CopyFacts(RowReader reader, Span<ConversationFacts> destination)
    {
        var blob = reader.GetBlob(0);
        if (blob.Length != destination.Length)
        {
            return false;
        }

        for (var i = 0; i < blob.Length; i++)
        {
            destination[i] = (ConversationFacts)(blob[i] & 3);
        }

        return true;
    }

    // Reads the segments of the days firstDay..lastDay and yields each day's events within [from, to). With `found`
    // (the query cache on), each day is also kept in the cache, keyed by the segments it was decoded from, and its
    // segments recorded in `found`.
    private async IAsyncEnumerable<ActivityBatch> ReadDaysAsync(int firstDay, int lastDay, bool dims, long from, long to, Dictionary<int, SegmentKey[]>? found, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var reader = await _store.ReadRowsAsync(
            _connection,
            _transaction,
            $"SELECT {SegmentKeyColumns}, core{(dims ? ", dims" : string.Empty)} FROM {_store.Names.Activity} WHERE bot_id = @bot AND day >= @first AND day <= @last ORDER BY day, segment",
            BotId,
            firstDay,
            lastDay,
            cancellationToken).ConfigureAwait(false);
        var day = -1;
        var filled = 0;
        var sorted = true;
        var segments = found is null ? null : new List<SegmentKey>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var rowDay = reader.GetInt32(0);
            if (rowDay != day && filled > 0)
            {
                if (EndDay(day, sorted, dims, from, to, filled, segments, found) is { } batch)
                {
                    yield return batch;
                }

                filled = 0;
                sorted = true;
                segments?.Clear();
            }

            // A segment is in time order (its deltas are never negative), so the day's segments together are when
            // each one starts no earlier than the one before it ends.
            day = rowDay;
            var key = ReadSegmentKey(reader);
            var count = DecodeSegment(reader, key.EventCount, dims, filled);
            segments?.Add(key);
            sorted &= filled == 0 || count == 0 || _ticks[filled] >= _ticks[filled - 1];
            filled += count;
        }

        if (filled > 0 && EndDay(day, sorted, dims, from, to, filled, segments, found) is { } last)
        {
            yield return last;
        }
    }

    // The day decoded into the scratch columns (the first `count` events): put in time order, kept in the cache when
    // `found` is given, and cut to [from, to).
    private ActivityBatch? EndDay(int day, bool sorted, bool dims, long from, long to, int count, List<SegmentKey>? segments, Dictionary<int, SegmentKey[]>? found)
    {
        if (!sorted)
        {
            SegmentMerge.SortByTime(_ticks, _users, dims ? _channels : null, dims ? _conversations : null, count);
        }

        if (found is not null)
        {
            var keys = segments!.ToArray();
            found[day] = keys;
            var kept = new CachedDay(
                keys,
                _ticks.AsSpan(0, count).ToArray(),
                _users.AsSpan(0, count).ToArray(),
                dims ? _channels.AsSpan(0, count).ToArray() : null,
                dims ? _conversations.AsSpan(0, count).ToArray() : null);
            _store.Cache.AddDay(BotId, day, kept);
            return Slice(kept, from, to);
        }

        var ticks = _ticks.AsSpan(0, count);
        var start = SortedTicks.LowerBound(ticks, from);
        var end = SortedTicks.LowerBound(ticks, to);
        if (end <= start)
        {
            return null;
        }

        return new ActivityBatch(
            _ticks.AsMemory(start, end - start),
            _users.AsMemory(start, end - start),
            _channels.AsMemory(start, end - start),
            _conversations.AsMemory(start, end - start));
    }

    // A kept day's events within [from, to). Without its dims, the channel and conversation columns are the scratch
    // columns, whose values nobody reads (the caller asked for time and user only).
    private ActivityBatch? Slice(CachedDay day, long from, long to)
    {
        var start = SortedTicks.LowerBound(day.Ticks, from);
        var end = SortedTicks.LowerBound(day.Ticks, to);
        if (end <= start)
        {
            return null;
        }

        var length = end - start;
        if (day.Channels is { } channels)
        {
            return new ActivityBatch(day.Ticks.AsMemory(start, length), day.Users.AsMemory(start, length), channels.AsMemory(start, length), day.Conversations.AsMemory(start, length));
        }

        Reserve(length);
        return new ActivityBatch(day.Ticks.AsMemory(start, length), day.Users.AsMemory(start, length), _channels.AsMemory(0, length), _conversations.AsMemory(0, length));
    }

    // Columns 0-4 of both activity reads: the day, then what a segment key holds.
    private const string SegmentKeyColumns = "day, segment, event_count, min_ticks, max_ticks";

    private static SegmentKey ReadSegmentKey(RowReader reader) => new(reader.GetInt64(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4));

    // The segments of each day in [firstDay, lastDay] (days without any are absent), without their blobs.
    private async Task<Dictionary<int, SegmentKey[]>> ReadDirectoryAsync(int firstDay, int lastDay, CancellationToken cancellationToken)
    {
        var days = new Dictionary<int, SegmentKey[]>();
        var segments = new List<SegmentKey>();
        var day = -1;
        await using var reader = await _store.ReadRowsAsync(
            _connection,
            _transaction,
            $"SELECT {SegmentKeyColumns} FROM {_store.Names.Activity} WHERE bot_id = @bot AND day >= @first AND day <= @last ORDER BY day, segment",
            BotId,
            firstDay,
            lastDay,
            cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var rowDay = reader.GetInt32(0);
            if (rowDay != day && segments.Count > 0)
            {
                days[day] = segments.ToArray();
                segments.Clear();
            }

            day = rowDay;
            segments.Add(ReadSegmentKey(reader));
        }

        if (segments.Count > 0)
        {
            days[day] = segments.ToArray();
        }

        return days;
    }

    // Decodes the current row's segment (columns 5 core and, when read, 6 dims) after the first `filled` events of the
    // day. Without dims the channel and conversation columns keep whatever they held.
    private int DecodeSegment(RowReader reader, int count, bool dims, int filled)
    {
        Reserve(filled + count);
        var n = ActivitySegment.DecodeCore(reader.GetBlob(5), _ticks.AsSpan(filled, count), _users.AsSpan(filled, count));
        if (n != count)
        {
            throw new InvalidDataException($"An activity segment of bot '{BotId}' holds {n} events where its row says {count}. The store is damaged.");
        }

        if (dims)
        {
            ActivitySegment.DecodeDims(reader.GetBlob(6), _channels.AsSpan(filled, n), _conversations.AsSpan(filled, n));
        }

        return n;
    }

    private void Reserve(int size)
    {
        if (_ticks.Length >= size)
        {
            return;
        }

        var capacity = Math.Max(size, _ticks.Length * 2);
        Grow(ref _ticks, capacity);
        Grow(ref _users, capacity);
        Grow(ref _channels, capacity);
        Grow(ref _conversations, capacity);
    }

    private static void Grow<T>(ref T[] array, int capacity)
    {
        var next = ArrayPool<T>.Shared.Rent(capacity);
        array.AsSpan().CopyTo(next);
        if (array.Length > 0)
        {
            ArrayPool<T>.Shared.Return(array);
        }

        array = next;
    }

    private void ReturnBuffers()
    {
        if (_firstSeen is not null)
        {
            ArrayPool<long>.Shared.Return(_firstSeen);
            _firstSeen = null;
        }

        if (_ticks.Length > 0)
        {
            ArrayPool<long>.Shared.Return(_ticks);
            ArrayPool<int>.Shared.Return(_users);
            ArrayPool<int>.Shared.Return(_channels);
            ArrayPool<int>.Shared.Return(_conversations);
            _ticks = [];
            _users = [];
            _channels = [];
            _conversations = [];
        }
    }
}
