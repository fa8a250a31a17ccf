using System.Collections.Concurrent;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.InMemory;

/// <summary>
/// Keeps events in memory, per bot, in columns: no event object is kept. User activity is in time-ordered column
/// chunks (UTC ticks, user, channel and conversation ordinals: what the engine scans), every other event in a compact
/// log, and event ids only as fingerprints.
/// </summary>
/// <remarks>
/// <para><b>Thread-safety.</b> Appends are serialised by one gate; queries never take it. Each append publishes an
/// immutable view of every bot it touched, so a snapshot sees a batch entirely or not at all, and appends running
/// during a query do not disturb it.</para>
/// <para><b>Late events.</b> Events arriving in time order are appended in place. An event older than the newest stored
/// one is merged: the chunks from its position onward are rewritten (copy-on-write, so open snapshots keep the old
/// ones). A batch of late events therefore costs time proportional to how far back it reaches.</para>
/// <para><b>Accounts.</b> A bot belongs to the account its first stored event names (<c>default</c> when it names
/// none). A later event that omits <c>accountId</c> belongs to the bot's account; one that names another account is
/// rejected (field <c>accountId</c>).</para>
/// <para><b>Idempotency.</b> An event id is remembered as a 96-bit fingerprint (of SipHash-2-4 under a random key drawn
/// when the store is created, which never leaves the process), not as text. Two different ids of one bot share a
/// fingerprint with probability 2^-96, so the chance that any new event of a bot holding n ids is wrongly taken for a
/// duplicate is below n^2 / 2^97: about 6 in 10^14 for 10^8 events of one bot.</para>
/// <para><b>History.</b> <see cref="ReadEventsAsync"/> rebuilds events from the columns: every field but
/// <see cref="InteractionEvent.EventId"/>, which is <see langword="null"/> (only fingerprints are kept), with the bot's
/// account, the timestamp in UTC and the channel normalised (lower case, <c>default</c> when absent).</para>
/// <para><b>Memory.</b> About 36 bytes per event for a typical bot log of 10 million events with ids (about 16 of them
/// for the ids' fingerprints, 16 per user-activity event for its columns); see the documentation's stores page for the
/// layout and the measured figures. The fingerprint tables are native memory: they count in the process's working set,
/// not in the managed heap's figures.</para>
/// </remarks>
public sealed class InMemoryInteractionStore : IInteractionStore, IAppendTarget, IEventHistory
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<string, BotLog> _bots = new(StringComparer.Ordinal);
    private readonly int _chunkSize;
    private readonly EventIdFingerprints _fingerprints = EventIdFingerprints.CreateRandom();
    private readonly Scratch _scratch = new();

    /// <summary>Creates an empty store with default options.</summary>
    public InMemoryInteractionStore()
        : this(new InMemoryStoreOptions())
    {
    }

    /// <summary>Creates an empty store.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="InMemoryStoreOptions.ChunkSize"/> is out of range.</exception>
    public InMemoryInteractionStore(InMemoryStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChunkSize is < InMemoryStoreOptions.MinChunkSize or > InMemoryStoreOptions.MaxChunkSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSize, "ChunkSize must be between 16 and 16777216.");
        }

        _chunkSize = options.ChunkSize;
    }

    /// <summary>Ids of the bots that have at least one stored event.</summary>
    internal IReadOnlyCollection<string> BotIds => _bots.Keys.ToArray();

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default) =>
        AppendPipeline.AppendAsync(this, events, mode, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Appends are serialised: the transaction holds the store's one write gate until it is disposed.</remarks>
    public async ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Transaction(this);
    }

    /// <summary>
    /// Stages each bot's events while the gate is held and applies them all at commit, so a transaction disposed without
    /// commit leaves the store untouched and a snapshot sees a whole batch or none of it.
    /// </summary>
    /// <remarks>
    /// Each event id is fingerprinted and remembered when written (one probe of the bot's set), and the commit applies
    /// what the write decided; a transaction disposed without commit forgets the fingerprints it added.
    /// </remarks>
    private sealed class Transaction(InMemoryInteractionStore store) : IColumnarAppendTransaction
    {
        // Each write's events: event objects, or the reader's columns (one of the two is set).
        private readonly List<(BotLog Log, IReadOnlyList<InteractionEvent>? Objects, EventColumns? Columns, bool[]? Duplicate, int Generation)> _staged = [];
        private readonly Dictionary<string, BotLog> _newBots = new(StringComparer.Ordinal);
        private bool _committed;
        private bool _released;

        /// <summary>
        /// An id repeated within a write is added to the bot's set of fingerprints once and found there the second
        /// time, so it is skipped and counted as a duplicate like an id stored before (<see cref="AddIds"/>).
        /// </summary>
        public bool FindsRepeatedIds => true;

        public ValueTask<string?> LockBotAsync(string botId, CancellationToken cancellationToken = default) =>
            new(store._bots.TryGetValue(botId, out var log) ? log.AccountId : _newBots.TryGetValue(botId, out var staged) ? staged.AccountId : null);

        public ValueTask<int> WriteAsync(string botId, string accountId, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var log = Log(botId, accountId);
            var generation = log.EventIdGeneration;
            var duplicate = AddIds(log, new ObjectEvents(events), out var duplicates);
            _staged.Add((log, events, null, duplicate, generation));
            return new ValueTask<int>(duplicates);
        }

        public ValueTask<int> WriteColumnsAsync(string botId, string accountId, EventColumns events, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var log = Log(botId, accountId);
            var generation = log.EventIdGeneration;
            var duplicate = AddIds(log, new ColumnEvents(events), out var duplicates);
            _staged.Add((log, null, events, duplicate, generation));
            return new ValueTask<int>(duplicates);
        }

        private BotLog Log(string botId, string accountId)
        {
            if (!store._bots.TryGetValue(botId, out var log) && !_newBots.TryGetValue(botId, out log))
            {
                _newBots[botId] = log = new BotLog(botId, accountId, store._chunkSize);
            }

            return log;
        }

        // Fingerprints first (pure computation), then one pass over the set that overlaps its memory waits. Returns the
        // events whose ids the bot already held (null when none, as for most batches).
        private bool[]? AddIds<TEvents>(BotLog log, TEvents events, out int duplicates)
            where TEvents : IEventSource
        {
            var count = 0;
            var scratch = store._scratch;
            var fingerprints = Scratch.Get(ref scratch.Fingerprints, events.Count);
            var positions = Scratch.Get(ref scratch.Positions, events.Count);
            for (var i = 0; i < events.Count; i++)
            {
                if (events.TryFingerprint(store._fingerprints, i, out var fingerprint))
                {
                    positions[count] = i;
                    fingerprints[count++] = fingerprint;
                }
            }

            var isNew = Scratch.Get(ref scratch.Flags, count);
            log.AddEventIds(fingerprints.AsSpan(0, count), isNew.AsSpan(0, count));
            bool[]? duplicate = null;
            duplicates = 0;
            for (var k = 0; k < count; k++)
            {
                if (!isNew[k])
                {
                    (duplicate ??= new bool[events.Count])[positions[k]] = true;
                    duplicates++;
                }
            }

            return duplicate;
        }

        public ValueTask CommitAsync(CancellationToken cancellationToken = default)
        {
            var touched = new List<BotLog>();
            _committed = true;
            foreach (var (log, objects, columns, duplicate, _) in _staged)
            {
                if (columns is not null)
                {
                    log.Apply(new ColumnEvents(columns), duplicate, store._scratch);
                }
                else
                {
                    log.Apply(new ObjectEvents(objects!), duplicate, store._scratch);
                }

                if (!touched.Contains(log))
                {
                    touched.Add(log);
                }
            }

            // Publish only after every bot of the transaction is applied.
            foreach (var log in touched)
            {
                log.Publish();
                store._bots.TryAdd(log.BotId, log);
            }

            _staged.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_released)
            {
                _released = true;
                try
                {
                    if (!_committed)
                    {
                        // Newest first: the last write first, each write's ids in reverse. The ids a write added
                        // are its events' ids that were not duplicates, so they are fingerprinted again here.
                        for (var w = _staged.Count - 1; w >= 0; w--)
                        {
                            var (log, objects, columns, duplicate, generation) = _staged[w];
                            var added = columns is not null
                                ? AddedNewestFirst(new ColumnEvents(columns), duplicate)
                                : AddedNewestFirst(new ObjectEvents(objects!), duplicate);
                            log.ForgetEventIds(added, generation);
                        }
                    }
                }
                finally
                {
                    store._writeGate.Release();
                }
            }

            return ValueTask.CompletedTask;
        }

        private List<UInt128> AddedNewestFirst<TEvents>(TEvents events, bool[]? duplicate)
            where TEvents : IEventSource
        {
            var added = new List<UInt128>();
            for (var i = events.Count - 1; i >= 0; i--)
            {
                if (duplicate?[i] != true && events.TryFingerprint(store._fingerprints, i, out var fingerprint))
                {
                    added.Add(fingerprint);
                }
            }

            return added;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetBotIdsAsync(string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        IReadOnlyList<string> bots = [.. _bots.Values
            .Where(log => log.Published is { } state && string.Equals(state.AccountId, accountId, StringComparison.Ordinal))
            .Select(log => log.BotId)
            .Order(StringComparer.Ordinal)];
        return new ValueTask<IReadOnlyList<string>>(bots);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<InteractionEvent>> ReadEventsAsync(string botId, long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(botId);
        if (!_bots.TryGetValue(botId, out var log) || log.Published is not { } state)
        {
            return new ValueTask<IReadOnlyList<InteractionEvent>>(Array.Empty<InteractionEvent>());
        }

        return new ValueTask<IReadOnlyList<InteractionEvent>>(HistoryReader.Read(state, fromUtcTicks, toUtcTicks));
    }

    /// <inheritdoc />
    public ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(botId);
        cancellationToken.ThrowIfCancellationRequested();
        return _bots.TryGetValue(botId, out var log) && log.Published is { } state
            ? new ValueTask<IActivitySnapshot?>(new InMemoryActivitySnapshot(state))
            : new ValueTask<IActivitySnapshot?>((IActivitySnapshot?)null);
    }
}
