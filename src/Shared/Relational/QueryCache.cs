namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// What a bot's row says about its history: any append that stores an event changes at least one of these values (it
/// writes a segment, so <see cref="SegmentSeq"/> grows), so two reads that see the same version see the same history.
/// </summary>
internal readonly record struct BotVersion(string AccountId, int Users, int Channels, int Conversations, long Events, long SegmentSeq);

/// <summary>
/// Decoded query data kept between queries by a SQL store (one cache per store instance), so a repeated query reads a
/// few small rows instead of every blob of its period. Every query still opens its snapshot and reads the bot's row,
/// and uses what is kept only where it provably equals what the database holds in that snapshot:
/// <list type="bullet">
/// <item>a day's decoded activity is keyed by the segments it was decoded from (bot, day, and each segment's number,
/// event count and time bounds). Segments are never changed once committed (compaction writes new ones under new
/// numbers), so a day whose segments are the same holds the same events;</item>
/// <item>which segments each day has, the channel names, every user's first-seen instant and every conversation's
/// facts (the bot's "version state") are kept for one <see cref="BotVersion"/> of the bot's row, replaced when a query sees a newer one.</item>
/// </list>
/// Memory is bounded by <see cref="CapacityBytes"/>: every kept piece (a day; a bot's version state, counting its
/// first-seen values, conversation facts, directory and channel names) is counted and sits in one least-recently-used list, so finding
/// what to evict costs O(1). The arrays are never changed once kept, so a snapshot may keep reading one that is
/// evicted meanwhile.
/// </summary>
internal sealed class QueryCache(long capacityBytes)
{
    private const long EntryOverhead = 64;
    private const long DirectoryDayOverhead = 48;
    private const long SegmentKeySize = 32;

    private readonly object _gate = new();
    private readonly Dictionary<string, BotEntry> _bots = new(StringComparer.Ordinal);
    private readonly LinkedList<Piece> _recency = new();
    private long _bytes;
    private long _daysRead;

    public long CapacityBytes { get; } = Math.Max(0, capacityBytes);

    /// <summary>Checks a store option's capacity (<c>QueryCacheBytes</c>): 0 or more.</summary>
    /// <exception cref="EngagementValidationException">The capacity is negative.</exception>
    public static void ValidateCapacity(long bytes)
    {
        if (bytes < 0)
        {
            var value = bytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new EngagementValidationException("QueryCacheBytes", value, $"QueryCacheBytes {value} is negative: give 0 to turn the query cache off");
        }
    }

    public bool Enabled => CapacityBytes > 0;

    /// <summary>Bytes held now (for tests and diagnostics).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Bytes of every kept piece added up afresh (for tests: must equal <see cref="Bytes"/>).</summary>
    public long CountedBytes
    {
        get
        {
            lock (_gate)
            {
                return _recency.Sum(piece => piece.Size);
            }
        }
    }

    /// <summary>Days whose segments queries have read and decoded (with the cache on), for tests and diagnostics.</summary>
    public long DaysRead => Interlocked.Read(ref _daysRead);

    /// <summary>The channel names kept for exactly this version of the bot, or null.</summary>
    public string[]? GetChannels(string botId, BotVersion version)
    {
        lock (_gate)
        {
            return State(botId, version) is { } state ? Touch(state).Channels : null;
        }
    }

    public void SetChannels(string botId, BotVersion version, string[] channels)
    {
        lock (_gate)
        {
            if (StateFor(botId, version) is { } state)
            {
                var size = channels.Sum(channel => 24L + (2L * channel.Length));
                Resize(state, state.Size - state.ChannelsSize + size);
                state.ChannelsSize = size;
                state.Channels = channels;
            }
        }
    }

    /// <summary>Every user's first-seen ticks kept for exactly this version of the bot, or null.</summary>
    public long[]? GetFirstSeen(string botId, BotVersion version)
    {
        lock (_gate)
        {
            return State(botId, version) is { } state ? Touch(state).FirstSeen : null;
        }
    }

    public void SetFirstSeen(string botId, BotVersion version, long[] firstSeen)
    {
        if (8L * firstSeen.Length > CapacityBytes / 2)
        {
            return;
        }

        lock (_gate)
        {
            if (StateFor(botId, version) is { } state)
            {
                Resize(state, state.Size - (8L * (state.FirstSeen?.Length ?? 0)) + (8L * firstSeen.Length));
                state.FirstSeen = firstSeen;
            }
        }
    }

    /// <summary>Every conversation's facts kept for exactly this version of the bot, or null.</summary>
    public ConversationFacts[]? GetConversationFacts(string botId, BotVersion version)
    {
        lock (_gate)
        {
            return State(botId, version) is { } state ? Touch(state).Facts : null;
        }
    }

    public void SetConversationFacts(string botId, BotVersion version, ConversationFacts[] facts)
    {
        if (facts.Length > CapacityBytes / 2)
        {
            return;
        }

        lock (_gate)
        {
            if (StateFor(botId, version) is { } state)
            {
                Resize(state, state.Size - (state.Facts?.Length ?? 0) + facts.Length);
                state.Facts = facts;
            }
        }
    }

    /// <summary>
    /// The segments of each day from <paramref name="firstDay"/> to <paramref name="lastDay"/> (days without any are
    /// absent) when kept for exactly this version of the bot and that whole range; otherwise null.
    /// </summary>
    public IReadOnlyDictionary<int, SegmentKey[]>? GetDirectory(string botId, BotVersion version, int firstDay, int lastDay)
    {
        lock (_gate)
        {
            return State(botId, version) is { Directory: { } directory } state && state.DirectoryFirst <= firstDay && lastDay <= state.DirectoryLast
                ? Touch(state).Directory
                : null;
        }
    }

    /// <summary>
    /// Records the segments of every day from <paramref name="firstDay"/> to <paramref name="lastDay"/> as read in a
    /// snapshot of this version; joined to the range already kept when the two touch, else replacing it.
    /// </summary>
    public void SetDirectory(string botId, BotVersion version, int firstDay, int lastDay, Dictionary<int, SegmentKey[]> days)
    {
        lock (_gate)
        {
            if (StateFor(botId, version) is not { } state)
            {
                return;
            }

            Dictionary<int, SegmentKey[]> directory;
            if (state.Directory is { } kept && firstDay <= state.DirectoryLast + 1 && state.DirectoryFirst <= lastDay + 1)
            {
                directory = new Dictionary<int, SegmentKey[]>(kept);
                foreach (var (day, segments) in days)
                {
                    directory[day] = segments;
                }

                (firstDay, lastDay) = (Math.Min(firstDay, state.DirectoryFirst), Math.Max(lastDay, state.DirectoryLast));
            }
            else
            {
                directory = days;
            }

            var size = directory.Values.Sum(segments => DirectoryDayOverhead + (SegmentKeySize * segments.Length));
            Resize(state, state.Size - state.DirectorySize + size);
            state.DirectorySize = size;
            state.Directory = directory;
            state.DirectoryFirst = firstDay;
            state.DirectoryLast = lastDay;
        }
    }

    /// <summary>True when any day from <paramref name="firstDay"/> to <paramref name="lastDay"/> is kept for the bot.</summary>
    public bool HasAnyDay(string botId, int firstDay, int lastDay)
    {
        lock (_gate)
        {
            if (!_bots.TryGetValue(botId, out var entry))
            {
                return false;
            }

            foreach (var day in entry.Days.Keys)
            {
                if (day >= firstDay && day <= lastDay)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The day's decoded activity when it was decoded from exactly these segments and holds the columns asked for.</summary>
    public CachedDay? GetDay(string botId, int day, ReadOnlySpan<SegmentKey> segments, bool dims)
    {
        lock (_gate)
        {
            if (!_bots.TryGetValue(botId, out var entry) || !entry.Days.TryGetValue(day, out var piece))
            {
                return null;
            }

            var cached = piece.Day!;
            if ((dims && cached.Channels is null) || !segments.SequenceEqual(cached.Segments))
            {
                return null;
            }

            Touch(piece);
            return cached;
        }
    }

    /// <summary>
    /// Keeps a day's decoded activity (replacing what was kept for that day), then trims to the capacity. A day larger
    /// than half the capacity is not kept (and what was kept for that day is dropped).
    /// </summary>
    public void AddDay(string botId, int day, CachedDay cached)
    {
        Interlocked.Increment(ref _daysRead);
        lock (_gate)
        {
            if (_bots.TryGetValue(botId, out var entry) && entry.Days.Remove(day, out var old))
            {
                Drop(old);
            }

            if (cached.Size > CapacityBytes / 2)
            {
                RemoveIfEmpty(botId);
                return;
            }

            if (entry is null)
            {
                entry = new BotEntry();
                _bots.Add(botId, entry);
            }

            var piece = new Piece(botId, day, cached.Size) { Day = cached };
            piece.Node = _recency.AddLast(piece);
            entry.Days.Add(day, piece);
            _bytes += piece.Size;
            Trim();
        }
    }

    private static T Touch<T>(T piece)
        where T : Piece
    {
        var list = piece.Node!.List!;
        list.Remove(piece.Node);
        list.AddLast(piece.Node);
        return piece;
    }

    private VersionState? State(string botId, BotVersion version) =>
        _bots.TryGetValue(botId, out var entry) && entry.State is { } state && state.Version == version ? state : null;

    // The bot's version state at this version, created or replacing an older version's. Null when a newer version is
    // kept (a query that opened its snapshot before the bot's last append finished after queries that saw it): what
    // an older snapshot read is not kept.
    private VersionState? StateFor(string botId, BotVersion version)
    {
        if (!_bots.TryGetValue(botId, out var entry))
        {
            entry = new BotEntry();
            _bots.Add(botId, entry);
        }

        if (entry.State is { } state)
        {
            if (state.Version == version)
            {
                return Touch(state);
            }

            if (state.Version.SegmentSeq > version.SegmentSeq)
            {
                return null;
            }

            Drop(state);
        }

        var next = new VersionState(botId, version);
        next.Node = _recency.AddLast(next);
        entry.State = next;
        _bytes += next.Size;
        return next;
    }

    private void Resize(Piece piece, long size)
    {
        _bytes += size - piece.Size;
        piece.Size = size;
        Trim();
    }

    // Evicts the least recently used pieces until within the capacity (O(1) each).
    private void Trim()
    {
        while (_bytes > CapacityBytes && _recency.First is { } oldest)
        {
            var piece = oldest.Value;
            var entry = _bots[piece.BotId];
            if (piece is VersionState)
            {
                entry.State = null;
            }
            else
            {
                entry.Days.Remove(piece.DayNumber);
            }

            Drop(piece);
            RemoveIfEmpty(piece.BotId);
        }
    }

    private void Drop(Piece piece)
    {
        if (piece.Node is { List: { } list } node)
        {
            list.Remove(node);
            _bytes -= piece.Size;
        }
    }

    private void RemoveIfEmpty(string botId)
    {
        if (_bots.TryGetValue(botId, out var entry) && entry.State is null && entry.Days.Count == 0)
        {
            _bots.Remove(botId);
        }
    }

    private sealed class BotEntry
    {
        public VersionState? State { get; set; }

        public Dictionary<int, Piece> Days { get; } = [];
    }

    // One kept piece: a day (DayNumber, Day) or a bot's version state.
    private class Piece(string botId, int day, long size)
    {
        public string BotId { get; } = botId;

        public int DayNumber { get; } = day;

        public long Size { get; set; } = size;

        public CachedDay? Day { get; init; }

        public LinkedListNode<Piece>? Node { get; set; }
    }

    private sealed class VersionState(string botId, BotVersion version) : Piece(botId, int.MinValue, EntryOverhead)
    {
        public BotVersion Version { get; } = version;

        public string[]? Channels { get; set; }

        public long ChannelsSize { get; set; }

        public long[]? FirstSeen { get; set; }

        public ConversationFacts[]? Facts { get; set; }

        public Dictionary<int, SegmentKey[]>? Directory { get; set; }

        public long DirectorySize { get; set; }

        public int DirectoryFirst { get; set; }

        public int DirectoryLast { get; set; }
    }
}

/// <summary>One stored activity segment as a query sees it: its number and what its row says of it.</summary>
internal readonly record struct SegmentKey(long Segment, int EventCount, long MinTicks, long MaxTicks);

/// <summary>A day's activity decoded from <see cref="Segments"/>, in time order, in arrays of exactly its length.</summary>
internal sealed class CachedDay(SegmentKey[] segments, long[] ticks, int[] users, int[]? channels, int[]? conversations)
{
    public SegmentKey[] Segments { get; } = segments;

    public long[] Ticks { get; } = ticks;

    public int[] Users { get; } = users;

    /// <summary>Channel ordinals, or null when decoded without the <c>dims</c> blobs.</summary>
    public int[]? Channels { get; } = channels;

    public int[]? Conversations { get; } = conversations;

    public long Size => ((12L + (Channels is null ? 0 : 8)) * Ticks.Length) + (32L * Segments.Length) + 64;
}
