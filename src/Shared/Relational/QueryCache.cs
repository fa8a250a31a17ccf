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
/// <item>which segments each day has, the channel names and every user's first-seen instant are kept for one
/// <see cref="BotVersion"/> of the bot's row, and dropped when a query sees another one.</item>
/// </list>
/// Memory is bounded by <see cref="CapacityBytes"/> (the arrays' sizes); the least recently used pieces go first. The
/// arrays are never changed once cached, so a snapshot may keep reading one that is evicted meanwhile.
/// </summary>
internal sealed class QueryCache(long capacityBytes)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, BotEntry> _bots = new(StringComparer.Ordinal);
    private long _bytes;
    private long _clock;
    private long _daysRead;

    public long CapacityBytes { get; } = Math.Max(0, capacityBytes);

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

    /// <summary>Days whose segments queries have read and decoded (with the cache on), for tests and diagnostics.</summary>
    public long DaysRead => Interlocked.Read(ref _daysRead);

    /// <summary>The channel names kept for exactly this version of the bot, or null.</summary>
    public string[]? GetChannels(string botId, BotVersion version)
    {
        lock (_gate)
        {
            return Entry(botId, version) is { } entry ? entry.Channels : null;
        }
    }

    public void SetChannels(string botId, BotVersion version, string[] channels)
    {
        lock (_gate)
        {
            EntryFor(botId, version).Channels = channels;
        }
    }

    /// <summary>Every user's first-seen ticks kept for exactly this version of the bot, or null.</summary>
    public long[]? GetFirstSeen(string botId, BotVersion version)
    {
        lock (_gate)
        {
            if (Entry(botId, version) is not { FirstSeen: { } firstSeen } entry)
            {
                return null;
            }

            entry.FirstSeenUsed = ++_clock;
            return firstSeen;
        }
    }

    public void SetFirstSeen(string botId, BotVersion version, long[] firstSeen)
    {
        lock (_gate)
        {
            var entry = EntryFor(botId, version);
            if (entry.FirstSeen is { } old)
            {
                _bytes -= SizeOf(old);
            }

            entry.FirstSeen = firstSeen;
            entry.FirstSeenUsed = ++_clock;
            _bytes += SizeOf(firstSeen);
            Trim();
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
            return Entry(botId, version) is { Directory: { } directory } entry && entry.DirectoryFirst <= firstDay && lastDay <= entry.DirectoryLast
                ? directory
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
            var entry = EntryFor(botId, version);
            if (entry.Directory is { } kept && firstDay <= entry.DirectoryLast + 1 && entry.DirectoryFirst <= lastDay + 1)
            {
                var merged = new Dictionary<int, SegmentKey[]>(kept);
                foreach (var (day, segments) in days)
                {
                    merged[day] = segments;
                }

                entry.Directory = merged;
                entry.DirectoryFirst = Math.Min(firstDay, entry.DirectoryFirst);
                entry.DirectoryLast = Math.Max(lastDay, entry.DirectoryLast);
            }
            else
            {
                entry.Directory = days;
                entry.DirectoryFirst = firstDay;
                entry.DirectoryLast = lastDay;
            }
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
            if (!_bots.TryGetValue(botId, out var entry) || !entry.Days.TryGetValue(day, out var cached)
                || (dims && cached.Channels is null) || !segments.SequenceEqual(cached.Segments))
            {
                return null;
            }

            cached.LastUsed = ++_clock;
            return cached;
        }
    }

    /// <summary>Keeps a day's decoded activity (replacing what was kept for that day), then trims to the capacity.</summary>
    public void AddDay(string botId, int day, CachedDay cached)
    {
        Interlocked.Increment(ref _daysRead);
        if (cached.Size > CapacityBytes / 2)
        {
            return;
        }

        lock (_gate)
        {
            if (!_bots.TryGetValue(botId, out var entry))
            {
                entry = new BotEntry();
                _bots.Add(botId, entry);
            }

            if (entry.Days.Remove(day, out var old))
            {
                _bytes -= old.Size;
            }

            cached.LastUsed = ++_clock;
            entry.Days.Add(day, cached);
            _bytes += cached.Size;
            Trim();
        }
    }

    private static long SizeOf(long[] values) => 8L * values.Length;

    private BotEntry? Entry(string botId, BotVersion version) =>
        _bots.TryGetValue(botId, out var entry) && entry.Version == version ? entry : null;

    // The bot's entry at this version: what was kept for another version (all but the days) is dropped.
    private BotEntry EntryFor(string botId, BotVersion version)
    {
        if (!_bots.TryGetValue(botId, out var entry))
        {
            entry = new BotEntry { Version = version };
            _bots.Add(botId, entry);
        }
        else if (entry.Version != version)
        {
            if (entry.FirstSeen is { } firstSeen)
            {
                _bytes -= SizeOf(firstSeen);
            }

            entry.Version = version;
            entry.Channels = null;
            entry.FirstSeen = null;
            entry.Directory = null;
        }

        return entry;
    }

    // Evicts the least recently used pieces (days and first-seen arrays, of any bot) until within the capacity.
    private void Trim()
    {
        while (_bytes > CapacityBytes)
        {
            string? victimBot = null;
            var victimDay = 0;
            var oldest = long.MaxValue;
            foreach (var (bot, entry) in _bots)
            {
                if (entry.FirstSeen is not null && entry.FirstSeenUsed < oldest)
                {
                    (victimBot, victimDay, oldest) = (bot, int.MinValue, entry.FirstSeenUsed);
                }

                foreach (var (day, cached) in entry.Days)
                {
                    if (cached.LastUsed < oldest)
                    {
                        (victimBot, victimDay, oldest) = (bot, day, cached.LastUsed);
                    }
                }
            }

            if (victimBot is null)
            {
                return;
            }

            var victim = _bots[victimBot];
            if (victimDay == int.MinValue)
            {
                _bytes -= SizeOf(victim.FirstSeen!);
                victim.FirstSeen = null;
            }
            else
            {
                victim.Days.Remove(victimDay, out var day);
                _bytes -= day!.Size;
            }

            if (victim.FirstSeen is null && victim.Days.Count == 0)
            {
                _bots.Remove(victimBot);
            }
        }
    }

    private sealed class BotEntry
    {
        public BotVersion Version { get; set; }

        public string[]? Channels { get; set; }

        public long[]? FirstSeen { get; set; }

        public long FirstSeenUsed { get; set; }

        public Dictionary<int, SegmentKey[]>? Directory { get; set; }

        public int DirectoryFirst { get; set; }

        public int DirectoryLast { get; set; }

        public Dictionary<int, CachedDay> Days { get; } = [];
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

    public long Size => (12L + (Channels is null ? 0 : 8)) * Ticks.Length + (32L * Segments.Length) + 64;

    public long LastUsed { get; set; }
}
