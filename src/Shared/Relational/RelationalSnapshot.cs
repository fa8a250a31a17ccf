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
    private long[]? _firstSeen;
    private long[] _ticks = [];
    private int[] _users = [];
    private int[] _channels = [];
    private int[] _conversations = [];

    private RelationalSnapshot(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, string accountId, int userCount, int conversationCount, string[] channels)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        BotId = botId;
        AccountId = accountId;
        UserCount = userCount;
        ConversationCount = conversationCount;
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
        string account;
        int users, channelCount, conversations;
        await using (var reader = await store.ReadRowsAsync(connection, transaction, $"SELECT account_id, user_count, channel_count, conversation_count FROM {names.Bots} WHERE bot_id = @bot", botId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            account = reader.GetString(0);
            users = reader.GetInt32(1);
            channelCount = reader.GetInt32(2);
            conversations = reader.GetInt32(3);
        }

        var channels = new string[channelCount];
        await using (var reader = await store.ReadRowsAsync(connection, transaction, $"SELECT ordinal, channel FROM {names.Channels} WHERE bot_id = @bot", botId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                channels[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        return new RelationalSnapshot(store, connection, transaction, botId, account, users, conversations, channels);
    }

    /// <summary>Every user's first-seen ticks, read once from the bot's first-seen pages into a pooled array.</summary>
    public async ValueTask<ReadOnlyMemory<long>> GetFirstSeenAsync(CancellationToken cancellationToken = default)
    {
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
    /// blobs (channels and conversations) only when <paramref name="columns"/> names either.
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
        await using var reader = await _store.ReadRowsAsync(
            _connection,
            _transaction,
            $"SELECT day, event_count, core{(dims ? ", dims" : string.Empty)} FROM {_store.Names.Activity} WHERE bot_id = @bot AND day >= @first AND day <= @last ORDER BY day, segment",
            BotId,
            firstDay,
            lastDay,
            cancellationToken).ConfigureAwait(false);
        var day = -1;
        var filled = 0;
        var sorted = true;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var rowDay = reader.GetInt32(0);
            if (rowDay != day && filled > 0)
            {
                if (Slice(sorted, dims, fromUtcTicks, toUtcTicks, filled) is { } batch)
                {
                    yield return batch;
                }

                filled = 0;
                sorted = true;
            }

            // A segment is in time order (its deltas are never negative), so the day's segments together are when
            // each one starts no earlier than the one before it ends.
            day = rowDay;
            var count = DecodeSegment(reader, dims, filled);
            sorted &= filled == 0 || count == 0 || _ticks[filled] >= _ticks[filled - 1];
            filled += count;
        }

        if (filled > 0 && Slice(sorted, dims, fromUtcTicks, toUtcTicks, filled) is { } last)
        {
            yield return last;
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

    // Decodes the current row's segment (columns event_count, core and, when read, dims) after the first `filled`
    // events of the day. Without dims the channel and conversation columns keep whatever they held.
    private int DecodeSegment(RowReader reader, bool dims, int filled)
    {
        var count = reader.GetInt32(1);
        Reserve(filled + count);
        var n = ActivitySegment.DecodeCore(reader.GetBlob(2), _ticks.AsSpan(filled, count), _users.AsSpan(filled, count));
        if (n != count)
        {
            throw new InvalidDataException($"An activity segment of bot '{BotId}' holds {n} events where its row says {count}. The store is damaged.");
        }

        if (dims)
        {
            ActivitySegment.DecodeDims(reader.GetBlob(3), _channels.AsSpan(filled, n), _conversations.AsSpan(filled, n));
        }

        return n;
    }

    private ActivityBatch? Slice(bool sorted, bool dims, long from, long to, int count)
    {
        if (!sorted)
        {
            SegmentMerge.SortByTime(_ticks, _users, dims ? _channels : null, dims ? _conversations : null, count);
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
