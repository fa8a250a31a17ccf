using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.InMemory;

/// <summary>One column chunk. Elements below a published count are never written again.</summary>
internal sealed class Chunk
{
    public Chunk(int capacity)
    {
        Ticks = new long[capacity];
        Users = new int[capacity];
        Channels = new int[capacity];
        Conversations = new int[capacity];
    }

    public long[] Ticks { get; }

    public int[] Users { get; }

    public int[] Channels { get; }

    public int[] Conversations { get; }

    public int Count { get; set; }

    public int Capacity => Ticks.Length;

    public bool IsFull => Count == Ticks.Length;

    public void Add(in Row row)
    {
        var i = Count;
        Ticks[i] = row.Ticks;
        Users[i] = row.User;
        Channels[i] = row.Channel;
        Conversations[i] = row.Conversation;
        Count = i + 1;
    }

    public Row this[int index] => new(Ticks[index], Users[index], Channels[index], Conversations[index]);
}

internal readonly record struct Row(long Ticks, int User, int Channel, int Conversation);

/// <summary>An immutable published view of a bot: what a snapshot reads.</summary>
internal sealed class BotState
{
    public required string BotId { get; init; }

    public required string AccountId { get; init; }

    public required Chunk[] Chunks { get; init; }

    public required int[] Counts { get; init; }

    public required long[] FirstSeen { get; init; }

    public required int UserCount { get; init; }

    public required int[] InteractiveSequence { get; init; }

    /// <summary>Every stored event of the bot, in storage order (first <see cref="EventCount"/> entries).</summary>
    public required InteractionEvent[] Events { get; init; }

    public required int EventCount { get; init; }

    public required int[] ClosedSequence { get; init; }

    public required int ConversationCount { get; init; }

    public required string[] Channels { get; init; }

    public required int Sequence { get; init; }
}

/// <summary>
/// The mutable state of one bot, changed only under the store's write lock. Readers see <see cref="Published"/> only.
/// </summary>
/// <remarks>
/// Conversation facts are stored as the sequence number of the batch that established them (int.MaxValue: not yet),
/// so a fact written after a snapshot was published stays invisible to it without copying the arrays.
/// First-seen values are copied on write when an earlier event lowers a published user's value.
/// </remarks>
internal sealed class BotLog
{
    private readonly int _maxChunk;
    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _channelOrdinals = new(StringComparer.Ordinal);
    private readonly List<string> _channelNames = [];
    private readonly HashSet<string> _eventIds = new(StringComparer.Ordinal);
    private readonly List<Chunk> _chunks = [];
    private long[] _firstSeen = new long[16];
    private int[] _interactive = NewSequenceArray(16);
    private int[] _closed = NewSequenceArray(16);
    private string[] _publishedChannels = [];
    private InteractionEvent[] _events = new InteractionEvent[16];
    private int _eventCount;
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

    /// <summary>True when an event with this id is stored (or applied, not yet published).</summary>
    public bool HasEventId(string eventId) => _eventIds.Contains(eventId);

    /// <summary>Applies validated events of this bot (duplicates of stored ids are skipped); visible after <see cref="Publish"/>.</summary>
    public void Apply(IReadOnlyList<InteractionEvent> events, int sequence)
    {
        var rows = new List<Row>(events.Count);
        var firstSeenCopied = false;
        foreach (var evt in events)
        {
            if (evt.EventId is { } eventId && !_eventIds.Add(eventId))
            {
                continue;
            }

            AddEvent(evt);
            var ticks = evt.Timestamp.UtcTicks;
            var conversation = evt.ConversationId is { } conversationId ? ConversationOrdinal(conversationId) : -1;
            if (conversation >= 0)
            {
                if (evt.Kind.IsUserInput())
                {
                    _interactive[conversation] = Math.Min(_interactive[conversation], sequence);
                }
                else if (evt.Kind == InteractionKind.ConversationClosed)
                {
                    _closed[conversation] = Math.Min(_closed[conversation], sequence);
                }
            }

            if (!evt.Kind.IsUserActivity())
            {
                continue;
            }

            var user = UserOrdinal(evt.UserId!, ticks, out var isNew);
            if (!isNew && ticks < _firstSeen[user])
            {
                if (user < _publishedUsers && !firstSeenCopied)
                {
                    _firstSeen = (long[])_firstSeen.Clone();
                    firstSeenCopied = true;
                }

                _firstSeen[user] = ticks;
            }

            rows.Add(new Row(ticks, user, ChannelOrdinal(evt.NormalizedChannel), conversation));
        }

        if (rows.Count > 0)
        {
            var sorted = rows.ToArray();
            Array.Sort(sorted, static (a, b) => a.Ticks.CompareTo(b.Ticks));
            Insert(sorted);
        }
    }

    public void Publish(int sequence)
    {
        if (_publishedChannels.Length != _channelNames.Count)
        {
            _publishedChannels = _channelNames.ToArray();
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
            InteractiveSequence = _interactive,
            ClosedSequence = _closed,
            ConversationCount = _conversations.Count,
            Channels = _publishedChannels,
            Sequence = sequence,
            Events = _events,
            EventCount = _eventCount,
        };
    }

    // Every stored event, for the statistics. Entries below a published count are never written again; growing copies.
    private void AddEvent(InteractionEvent evt)
    {
        if (_eventCount == _events.Length)
        {
            var grown = new InteractionEvent[_events.Length * 2];
            Array.Copy(_events, grown, _eventCount);
            _events = grown;
        }

        _events[_eventCount++] = evt;
    }

    private int UserOrdinal(string userId, long ticks, out bool isNew)
    {
        if (_users.TryGetValue(userId, out var ordinal))
        {
            isNew = false;
            return ordinal;
        }

        ordinal = _users.Count;
        if (ordinal == _firstSeen.Length)
        {
            // A new array: published snapshots keep reading the old one.
            Array.Resize(ref _firstSeen, ordinal * 2);
        }

        _firstSeen[ordinal] = ticks;
        _users.Add(userId, ordinal);
        isNew = true;
        return ordinal;
    }

    private int ConversationOrdinal(string conversationId)
    {
        if (_conversations.TryGetValue(conversationId, out var ordinal))
        {
            return ordinal;
        }

        ordinal = _conversations.Count;
        if (ordinal == _interactive.Length)
        {
            _interactive = Grow(_interactive);
            _closed = Grow(_closed);
        }

        _conversations.Add(conversationId, ordinal);
        return ordinal;
    }

    private int ChannelOrdinal(string channel)
    {
        if (!_channelOrdinals.TryGetValue(channel, out var ordinal))
        {
            ordinal = _channelNames.Count;
            _channelOrdinals.Add(channel, ordinal);
            _channelNames.Add(channel);
        }

        return ordinal;
    }

    private void Insert(Row[] rows)
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
            // Stored events first on equal ticks: ties may come in any order, but keep it stable anyway.
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

    private static int[] NewSequenceArray(int length)
    {
        var array = new int[length];
        Array.Fill(array, int.MaxValue);
        return array;
    }

    private static int[] Grow(int[] array)
    {
        var grown = NewSequenceArray(array.Length * 2);
        array.CopyTo(grown, 0);
        return grown;
    }
}
