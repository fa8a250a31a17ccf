using System.Numerics;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.InMemory;

/// <summary>
/// One column chunk of user-activity events in time order (ties in storage order). Elements below a published count
/// are never written again.
/// </summary>
/// <remarks>
/// <para>Ticks and users are the <see cref="ActivityBatch"/> columns themselves. Channels and conversations are kept
/// narrow and widened only when a scan's consumer reads them (a trend reads them only to filter on them): channels as
/// bytes, conversations as 16-bit steps from a base ordinal of the chunk (<c>0xFFFF</c>: none), since the conversations
/// of a stretch of time are numbered close together. A chunk that meets a value that does not fit switches that column
/// to <c>int</c>s (<see cref="WideChannels"/>, <see cref="WideConversations"/>); readers of a published state keep
/// reading the narrow column below their count, whose values never change.</para>
/// <para><see cref="Details"/> packs the kind and the optional flags for the statistics; goals and tags on
/// user-activity events are rare and get their columns only when one appears.</para>
/// </remarks>
internal sealed class Chunk
{
    private const ushort NoConversation = ushort.MaxValue;
    private volatile int[]? _wideChannels;
    private volatile int[]? _wideConversations;
    private int _conversationBase = -1;

    public Chunk(int capacity)
    {
        Ticks = new long[capacity];
        Users = new int[capacity];
        Channels = new byte[capacity];
        Conversations = new ushort[capacity];
        Details = new byte[capacity];
    }

    public long[] Ticks { get; }

    public int[] Users { get; }

    /// <summary>Channel ordinals as bytes, until <see cref="WideChannels"/> is set.</summary>
    public byte[] Channels { get; }

    /// <summary>Channel ordinals as <c>int</c>s, once one above 254 was stored in the chunk (then the only copy written).</summary>
    public int[]? WideChannels => _wideChannels;

    /// <summary>Conversation ordinals minus <see cref="ConversationBase"/> (<c>0xFFFF</c>: none), until <see cref="WideConversations"/> is set.</summary>
    public ushort[] Conversations { get; }

    /// <summary>The ordinal the narrow conversation column counts from.</summary>
    public int ConversationBase => Math.Max(0, _conversationBase);

    /// <summary>Conversation ordinals as <c>int</c>s (-1: none), once one did not fit the narrow column.</summary>
    public int[]? WideConversations => _wideConversations;

    /// <summary>Bits 0-1 the kind, bits 2-7 the optional flags (<see cref="EventDetails"/>).</summary>
    public byte[] Details { get; }

    /// <summary>Label ordinal plus one of each event's goal (0: none), once any event of the chunk has one.</summary>
    public int[]? Goals { get; private set; }

    /// <summary>Label ordinal plus one of each event's tag (0: none), once any event of the chunk has one.</summary>
    public int[]? Tags { get; private set; }

    public int Count { get; set; }

    public int Capacity => Ticks.Length;

    public bool IsFull => Count == Ticks.Length;

    public int ChannelAt(int index) => _wideChannels is { } wide ? wide[index] : Channels[index];

    public int ConversationAt(int index)
    {
        if (_wideConversations is { } wide)
        {
            return wide[index];
        }

        var step = Conversations[index];
        return step == NoConversation ? -1 : ConversationBase + step;
    }

    /// <summary>Writes the channel ordinals of <c>[start, start + destination.Length)</c> as <c>int</c>s.</summary>
    public void WidenChannels(int start, Span<int> destination)
    {
        var source = Channels.AsSpan(start, destination.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(source[i..]), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var d);
                var n = Vector<int>.Count;
                Vector.AsVectorInt32(a).CopyTo(destination[i..]);
                Vector.AsVectorInt32(b).CopyTo(destination[(i + n)..]);
                Vector.AsVectorInt32(c).CopyTo(destination[(i + (2 * n))..]);
                Vector.AsVectorInt32(d).CopyTo(destination[(i + (3 * n))..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Writes the conversation ordinals of <c>[start, start + destination.Length)</c> as <c>int</c>s (-1: none).</summary>
    public void WidenConversations(int start, Span<int> destination)
    {
        var source = Conversations.AsSpan(start, destination.Length);
        var @base = ConversationBase;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var none = new Vector<ushort>(NoConversation);
            var offset = new Vector<int>(@base);
            var minusOne = new Vector<int>(-1);
            var n = Vector<int>.Count;
            for (; i <= source.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                var steps = new Vector<ushort>(source[i..]);
                Vector.Widen(steps, out var low, out var high);
                // The mask as signed 16-bit values (-1), so widening keeps it all ones.
                Vector.Widen(Vector.AsVectorInt16(Vector.Equals(steps, none)), out var lowNone, out var highNone);
                Vector.ConditionalSelect(lowNone, minusOne, Vector.AsVectorInt32(low) + offset).CopyTo(destination[i..]);
                Vector.ConditionalSelect(highNone, minusOne, Vector.AsVectorInt32(high) + offset).CopyTo(destination[(i + n)..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] == NoConversation ? -1 : @base + source[i];
        }
    }

    public void Add(in Row row)
    {
        var i = Count;
        Ticks[i] = row.Ticks;
        Users[i] = row.User;
        if (_wideChannels is { } wideChannels)
        {
            wideChannels[i] = row.Channel;
        }
        else if (row.Channel < byte.MaxValue)
        {
            Channels[i] = (byte)row.Channel;
        }
        else
        {
            wideChannels = new int[Capacity];
            WidenChannels(0, wideChannels.AsSpan(0, i));
            wideChannels[i] = row.Channel;
            _wideChannels = wideChannels;
        }

        AddConversation(i, row.Conversation);
        Details[i] = row.Details;
        if (row.Goal >= 0)
        {
            (Goals ??= new int[Capacity])[i] = row.Goal + 1;
        }

        if (row.Tag >= 0)
        {
            (Tags ??= new int[Capacity])[i] = row.Tag + 1;
        }

        Count = i + 1;
    }

    public Row this[int index] => new(
        Ticks[index],
        Users[index],
        ChannelAt(index),
        ConversationAt(index),
        Details[index],
        Goals is { } goals ? goals[index] - 1 : -1,
        Tags is { } tags ? tags[index] - 1 : -1,
        0);

    private void AddConversation(int i, int conversation)
    {
        if (_wideConversations is { } wide)
        {
            wide[i] = conversation;
            return;
        }

        if (conversation < 0)
        {
            Conversations[i] = NoConversation;
            return;
        }

        if (_conversationBase < 0)
        {
            // Centred on the first conversation: earlier ones still in progress fit below it, newer ones above.
            _conversationBase = Math.Max(0, conversation - (NoConversation / 2));
        }

        var step = (long)conversation - _conversationBase;
        if (step is >= 0 and < NoConversation)
        {
            Conversations[i] = (ushort)step;
            return;
        }

        wide = new int[Capacity];
        WidenConversations(0, wide.AsSpan(0, i));
        wide[i] = conversation;
        _wideConversations = wide;
    }
}

/// <summary>
/// Working arrays of appends, owned by the store and reused (appends are serialised by its gate): an append of a large
/// batch needs megabytes of them, which would otherwise be allocated (on the large-object heap) for every batch.
/// </summary>
internal sealed class Scratch
{
    public Row[] Rows = [];
    public UInt128[] Fingerprints = [];
    public int[] Positions = [];
    public bool[] Flags = [];
    public (HistoryRecord Record, int Order)[] Others = [];

    public static T[] Get<T>(ref T[] array, int length)
    {
        if (array.Length < length)
        {
            array = new T[Math.Max(length, array.Length * 2)];
        }

        return array;
    }
}

/// <summary>A user-activity event on its way into a chunk; <see cref="Order"/> is its position in its batch.</summary>
internal readonly record struct Row(long Ticks, int User, int Channel, int Conversation, byte Details, int Goal, int Tag, int Order);

/// <summary>An immutable published view of a bot: what a snapshot reads.</summary>
internal sealed class BotState
{
    public required string BotId { get; init; }

    public required string AccountId { get; init; }

    public required Chunk[] Chunks { get; init; }

    public required int[] Counts { get; init; }

    public required long[] FirstSeen { get; init; }

    public required int UserCount { get; init; }

    /// <summary>User ids by activity ordinal.</summary>
    public required IdTable.View UserIds { get; init; }

    /// <summary>Ids of users seen only outside user activity, by their own ordinal.</summary>
    public required IdTable.View OtherUserIds { get; init; }

    /// <summary>Conversation facts as of this state (pages copied on write).</summary>
    public required ConversationFactPages.View Facts { get; init; }

    public required int ConversationCount { get; init; }

    public required IdTable.View ConversationIds { get; init; }

    public required string[] Channels { get; init; }

    /// <summary>Goal and tag names by label ordinal.</summary>
    public required string[] Labels { get; init; }

    public required HistoryLog.View History { get; init; }

}

/// <summary>
/// The mutable state of one bot, changed only under the store's write gate. Readers see <see cref="Published"/> only.
/// </summary>
/// <remarks>
/// <para>No event object is kept. User-activity events live in time-ordered column chunks (what the engine scans, plus
/// a details byte); every other event is a record of the <see cref="HistoryLog"/>; event ids are remembered as
/// 96-bit fingerprints (<see cref="FingerprintSet"/>); conversation and user ids in UTF-8 arenas (<see cref="IdTable"/>);
/// channels, goals and tags once each.</para>
/// <para>Conversation facts are bytes in pages copied on write (<see cref="ConversationFactPages"/>), so a fact written
/// after a snapshot was published stays invisible to it. First-seen values are copied on write when an earlier event
/// lowers a published user's value.</para>
/// </remarks>
internal sealed class BotLog
{
    private readonly int _maxChunk;
    private readonly IdTable _users = new();
    private readonly IdTable _otherUsers = new();
    private readonly IdTable _conversations = new();
    private readonly Dictionary<string, int> _channelOrdinals = new(StringComparer.Ordinal);
    private readonly List<string> _channelNames = [];
    private readonly Dictionary<string, int> _labelOrdinals = new(StringComparer.Ordinal);
    private readonly List<string> _labelNames = [];
    private readonly FingerprintSet _eventIds = new();
    private readonly HistoryLog _history = new();
    private readonly List<Chunk> _chunks = [];
    private long[] _firstSeen = new long[16];
    private readonly ConversationFactPages _facts = new();
    private string[] _publishedChannels = [];
    private string[] _publishedLabels = [];
    private string? _lastChannel;
    private int _lastChannelOrdinal;

    // The last few channel strings met and their ordinals, replaced in turn (see ChannelOrdinal).
    private readonly string?[] _recentChannels = new string?[RecentChannels];
    private readonly int[] _recentChannelOrdinals = new int[RecentChannels];
    private int _nextRecentChannel;
    private int _publishedUsers;
    private volatile BotState? _published;

    public BotLog(string botId, string accountId, int maxChunk)
    {
        BotId = botId;
        AccountId = accountId;
        _maxChunk = maxChunk;
    }

    public string BotId { get; }

    public string AccountId { get; }

    public BotState? Published => _published;

    /// <summary>Approximate bytes held by each part (for tests and the documentation's figures).</summary>
    internal IReadOnlyDictionary<string, long> MemoryReport()
    {
        long activity = 0;
        foreach (var chunk in _chunks)
        {
            activity += chunk.Capacity * (8L + 4 + 1 + 2 + 1) + (chunk.WideChannels is null ? 0 : chunk.Capacity * 4L) + (chunk.WideConversations is null ? 0 : chunk.Capacity * 4L)
                + (chunk.Goals is null ? 0 : chunk.Capacity * 4L) + (chunk.Tags is null ? 0 : chunk.Capacity * 4L);
        }

        return new Dictionary<string, long>
        {
            ["activity"] = activity,
            ["history"] = _history.ByteCount,
            ["eventIds"] = _eventIds.Bytes,
            ["conversations"] = _conversations.ByteCount + _facts.ByteCount,
            ["users"] = (_firstSeen.Length * 8L) + _users.ByteCount + _otherUsers.ByteCount,
        };
    }

    /// <summary>
    /// Remembers an event id's fingerprint (at write time, before the batch is applied); false when it was already
    /// remembered. <see cref="ForgetEventIds"/> undoes it for a transaction that is not committed.
    /// </summary>
    public bool AddEventId(UInt128 fingerprint) => _eventIds.Add(fingerprint);

    /// <summary>Like <see cref="AddEventId"/> for many fingerprints in order; <paramref name="added"/>[i] false for a duplicate.</summary>
    public void AddEventIds(ReadOnlySpan<UInt128> fingerprints, Span<bool> added) => _eventIds.AddRange(fingerprints, added);

    /// <summary>The fingerprint set's generation, to pass to <see cref="ForgetEventIds"/>.</summary>
    public int EventIdGeneration => _eventIds.Generation;

    /// <summary>Forgets fingerprints added by <see cref="AddEventId"/> since <paramref name="generation"/>, newest first.</summary>
    public void ForgetEventIds(IReadOnlyList<UInt128> addedNewestFirst, int generation) => _eventIds.Undo(addedNewestFirst, generation);

    /// <summary>
    /// Applies validated events of this bot, but those marked as duplicates (their ids were already remembered when the
    /// batch was written). Visible after <see cref="Publish"/>.
    /// </summary>
    /// <param name="events">The events, in batch order (storage order).</param>
    /// <param name="duplicate">By index: the event is a duplicate and is skipped (<see langword="null"/>: none is).</param>
    /// <param name="scratch">The store's working arrays (appends are serialised, so one set serves them all).</param>
    public void Apply<TEvents>(TEvents events, bool[]? duplicate, Scratch scratch)
        where TEvents : IEventSource
    {
        var rows = Scratch.Get(ref scratch.Rows, events.Count);
        var rowCount = 0;
        // Other events are about a fifth of a typical batch: their array grows as they come.
        var others = Scratch.Get(ref scratch.Others, Math.Min(events.Count, 1024));
        var otherCount = 0;
        var firstSeenCopied = false;

        // The hashes of the conversations a few events ahead, whose table slots are being fetched meanwhile
        // (IdTable.Prefetch): a ring, slot index % ConversationsAhead.
        Span<int> ahead = stackalloc int[ConversationsAhead];
        for (var k = 0; k < ConversationsAhead && k < events.Count; k++)
        {
            ahead[k] = PrefetchConversation(events, k);
        }

        for (var index = 0; index < events.Count; index++)
        {
            var conversationCode = ahead[index % ConversationsAhead];
            if (index + ConversationsAhead < events.Count)
            {
                ahead[index % ConversationsAhead] = PrefetchConversation(events, index + ConversationsAhead);
            }

            if (duplicate is not null && duplicate[index])
            {
                continue;
            }

            events.Load(index, out var evt);
            var ticks = evt.Ticks;
            var conversation = -1;
            if (evt.ConversationId is { } conversationId)
            {
                conversation = ConversationOrdinal(conversationId, conversationCode);
                if (evt.Kind.IsUserInput())
                {
                    _facts.Set(conversation, ConversationFacts.Interactive);
                }
                else if (evt.Kind == InteractionKind.ConversationClosed)
                {
                    _facts.Set(conversation, ConversationFacts.Closed);
                }
            }

            var channel = ChannelOrdinal(evt.Channel);
            var goal = evt.Goal is { } g ? LabelOrdinal(g) : -1;
            var tag = evt.Tag is { } t ? LabelOrdinal(t) : -1;
            var flags = evt.Flags;
            if (!evt.Kind.IsUserActivity())
            {
                var user = evt.UserId is { } userId
                    ? _users.TryFind(userId, out var ordinal) ? 2L * ordinal : (2L * _otherUsers.Intern(userId, out _)) + 1
                    : HistoryRecord.NoUser;
                if (otherCount == others.Length)
                {
                    Array.Resize(ref scratch.Others, others.Length * 2);
                    others = scratch.Others;
                }

                others[otherCount++] = (new HistoryRecord(ticks, evt.Kind, flags, channel, user, conversation, goal, tag, 0), index);
                continue;
            }

            var activityUser = UserOrdinal(evt.UserId!, ticks, out var isNew);
            if (!isNew && ticks < _firstSeen[activityUser])
            {
                if (activityUser < _publishedUsers && !firstSeenCopied)
                {
                    _firstSeen = (long[])_firstSeen.Clone();
                    firstSeenCopied = true;
                }

                _firstSeen[activityUser] = ticks;
            }

            rows[rowCount++] = new Row(ticks, activityUser, channel, conversation, (byte)((int)evt.Kind | (flags << 2)), goal, tag, index);
        }

        var sorted = rows.AsSpan(0, rowCount);
        if (!IsInOrder(sorted))
        {
            // Time order, ties in batch order: the order the statistics read them back in.
            sorted.Sort(static (a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Order.CompareTo(b.Order));
        }

        if (otherCount > 0)
        {
            foreach (var (record, order) in others.AsSpan(0, otherCount))
            {
                // Ties between the two kinds of events keep storage order through the tie rank.
                var rank = StoredWithTicks(record.Ticks) + BatchRowsBefore(sorted, record.Ticks, order);
                _history.Append(record with { TieRank = rank });
            }
        }

        if (rowCount > 0)
        {
            Insert(sorted);
        }
    }

    public void Publish()
    {
        if (_publishedChannels.Length != _channelNames.Count)
        {
            _publishedChannels = [.. _channelNames];
        }

        if (_publishedLabels.Length != _labelNames.Count)
        {
            _publishedLabels = [.. _labelNames];
        }

        var chunks = _chunks.ToArray();
        var counts = new int[chunks.Length];
        for (var i = 0; i < chunks.Length; i++)
        {
            counts[i] = chunks[i].Count;
        }

        _publishedUsers = _users.Count;
        _published = new BotState
        {
            BotId = BotId,
            AccountId = AccountId,
            Chunks = chunks,
            Counts = counts,
            FirstSeen = _firstSeen,
            UserCount = _users.Count,
            UserIds = _users.Publish(),
            OtherUserIds = _otherUsers.Publish(),
            Facts = _facts.Publish(_conversations.Count),
            ConversationCount = _conversations.Count,
            ConversationIds = _conversations.Publish(),
            Channels = _publishedChannels,
            Labels = _publishedLabels,
            History = _history.Publish(),
        };
    }

    private static bool IsInOrder(ReadOnlySpan<Row> rows)
    {
        for (var i = 1; i < rows.Length; i++)
        {
            if (rows[i].Ticks < rows[i - 1].Ticks)
            {
                return false;
            }
        }

        return true;
    }

    // User-activity events with these ticks already in the chunks (all stored before this batch).
    private int StoredWithTicks(long ticks)
    {
        var count = 0;
        for (var c = _chunks.Count - 1; c >= 0; c--)
        {
            var chunk = _chunks[c];
            if (chunk.Count == 0 || chunk.Ticks[chunk.Count - 1] < ticks)
            {
                break;
            }

            var span = chunk.Ticks.AsSpan(0, chunk.Count);
            count += SortedTicks.UpperBound(span, ticks) - SortedTicks.LowerBound(span, ticks);
            if (span[0] < ticks)
            {
                break;
            }
        }

        return count;
    }

    // Rows of this batch with these ticks that come before batch position 'order'.
    private static int BatchRowsBefore(ReadOnlySpan<Row> sorted, long ticks, int order)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid].Ticks < ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var count = 0;
        for (var i = lo; i < sorted.Length && sorted[i].Ticks == ticks && sorted[i].Order < order; i++)
        {
            count++;
        }

        return count;
    }

    private int UserOrdinal(string userId, long ticks, out bool isNew)
    {
        var ordinal = _users.Intern(userId, out isNew);
        if (isNew)
        {
            if (ordinal == _firstSeen.Length)
            {
                // A new array: published snapshots keep reading the old one.
                Array.Resize(ref _firstSeen, ordinal + (ordinal >> 1));
            }

            _firstSeen[ordinal] = ticks;
        }

        return ordinal;
    }

    // A new conversation (one event in seven in a typical log) is looked up in a table that, on a bot with a million
    // conversations, is far bigger than the processor's caches. Its slot is fetched this many events ahead: 7% less
    // time for the append of 10M events (median of 6 runs, with and without it alternating). The users' table (tens
    // of thousands of ids) mostly stays in the cache; prefetching it gained nothing.
    private const int ConversationsAhead = 8;

    // The hash of the conversation of event 'index' (0 without one), its table slot fetched.
    private int PrefetchConversation<TEvents>(TEvents events, int index)
        where TEvents : IEventSource
    {
        if (events.ConversationId(index) is not { } id)
        {
            return 0;
        }

        var code = id.GetHashCode();
        _conversations.Prefetch(code);
        return code;
    }

    private int ConversationOrdinal(string conversationId, int code)
    {
        var ordinal = _conversations.Intern(conversationId, code, out var isNew);
        if (isNew)
        {
            _facts.Add(ordinal);
        }

        return ordinal;
    }

    private const int RecentChannels = 8;

    private int ChannelOrdinal(string? channel)
    {
        // The reader hands out one string per distinct value, so the same instances come again and again. Events of
        // conversations on different channels interleave: in a typical log the channel differs from the previous
        // event's in 44% of events, and the few strings met lately, compared by reference, answer nearly all of those
        // (all but 396 of 1M events) without lower-casing the name and looking it up: 4% less append time at 1M.
        if (channel is not null)
        {
            if (ReferenceEquals(channel, _lastChannel))
            {
                return _lastChannelOrdinal;
            }

            for (var i = 0; i < RecentChannels; i++)
            {
                if (ReferenceEquals(_recentChannels[i], channel))
                {
                    _lastChannel = channel;
                    _lastChannelOrdinal = _recentChannelOrdinals[i];
                    return _lastChannelOrdinal;
                }
            }
        }

        var name = string.IsNullOrEmpty(channel) ? InteractionEvent.DefaultChannel : channel.ToLowerInvariant();
        if (!_channelOrdinals.TryGetValue(name, out var ordinal))
        {
            ordinal = _channelNames.Count;
            _channelOrdinals.Add(name, ordinal);
            _channelNames.Add(name);
        }

        _lastChannel = channel;
        _lastChannelOrdinal = ordinal;
        if (channel is not null)
        {
            _recentChannels[_nextRecentChannel] = channel;
            _recentChannelOrdinals[_nextRecentChannel] = ordinal;
            _nextRecentChannel = (_nextRecentChannel + 1) % RecentChannels;
        }

        return ordinal;
    }

    private int LabelOrdinal(string label)
    {
        if (!_labelOrdinals.TryGetValue(label, out var ordinal))
        {
            ordinal = _labelNames.Count;
            _labelOrdinals.Add(label, ordinal);
            _labelNames.Add(label);
        }

        return ordinal;
    }

    private void Insert(ReadOnlySpan<Row> rows)
    {
        var last = _chunks.Count > 0 ? _chunks[^1] : null;
        var newest = last is { Count: > 0 } ? last.Ticks[last.Count - 1] : long.MinValue;
        if (rows[0].Ticks >= newest)
        {
            // In time order: append in place, past every published count.
            foreach (var row in rows)
            {
                if (last is null || last.IsFull)
                {
                    last = new Chunk(Math.Min(_maxChunk, last is null ? 64 : last.Capacity * 2));
                    _chunks.Add(last);
                }

                last.Add(row);
            }

            return;
        }

        // Late events: rewrite from the first chunk holding a later event, merging old and new in time order.
        var first = rows[0].Ticks;
        var k = 0;
        while (_chunks[k].Ticks[_chunks[k].Count - 1] <= first)
        {
            k++;
        }

        var start = _chunks[k];
        var prefix = SortedTicks.UpperBound(start.Ticks.AsSpan(0, start.Count), first);
        var tail = new List<Row>();
        for (var c = k; c < _chunks.Count; c++)
        {
            var chunk = _chunks[c];
            for (var i = c == k ? prefix : 0; i < chunk.Count; i++)
            {
                tail.Add(chunk[i]);
            }
        }

        var total = prefix + tail.Count + rows.Length;
        var rebuilt = new List<Chunk>();
        var current = new Chunk(Math.Min(_maxChunk, Math.Max(64, total)));
        rebuilt.Add(current);
        for (var i = 0; i < prefix; i++)
        {
            current.Add(start[i]);
        }

        var written = prefix;
        int a = 0, b = 0;
        while (a < tail.Count || b < rows.Length)
        {
            // Stored events first on equal ticks: they were stored first (storage order).
            var row = b >= rows.Length || (a < tail.Count && tail[a].Ticks <= rows[b].Ticks) ? tail[a++] : rows[b++];
            if (current.IsFull)
            {
                current = new Chunk(Math.Min(_maxChunk, Math.Max(64, total - written)));
                rebuilt.Add(current);
            }

            current.Add(row);
            written++;
        }

        _chunks.RemoveRange(k, _chunks.Count - k);
        _chunks.AddRange(rebuilt);
    }
}
