using System.Collections.Concurrent;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.InMemory;

/// <summary>Settings of <see cref="InMemoryInteractionStore"/>.</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>Largest number of events in one column chunk (one scan batch).</summary>
    /// <value>Default 65,536; from 16 to 16,777,216. Smaller chunks make late-event merges cheaper and scans slightly slower.</value>
    public int ChunkSize { get; set; } = 1 << 16;
}

/// <summary>
/// Keeps events in memory, per bot, in time-ordered column chunks (UTC ticks, user, channel and conversation ordinals).
/// </summary>
/// <remarks>
/// <para><b>Thread-safety.</b> Appends are serialised by one lock; queries never take it. Each append publishes an
/// immutable view of every bot it touched, so a snapshot sees a batch entirely or not at all, and appends running
/// during a query do not disturb it.</para>
/// <para><b>Late events.</b> Events arriving in time order are appended in place. An event older than the newest stored
/// one is merged: the chunks from its position onward are rewritten (copy-on-write, so open snapshots keep the old
/// ones). A batch of late events therefore costs time proportional to how far back it reaches.</para>
/// <para><b>Accounts.</b> A bot belongs to the account its first stored event names (<c>default</c> when it names
/// none). A later event that omits <c>accountId</c> belongs to the bot's account; one that names another account is
/// rejected (field <c>accountId</c>).</para>
/// <para><b>Memory.</b> About 20 bytes per user-activity event, plus the ids of users, conversations and events.</para>
/// </remarks>
public sealed class InMemoryInteractionStore : IInteractionStore, IEventHistory
{
    private readonly object _writeLock = new();
    private readonly ConcurrentDictionary<string, BotLog> _bots = new(StringComparer.Ordinal);
    private readonly int _chunkSize;
    private int _sequence;

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
        if (options.ChunkSize is < 16 or > 1 << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ChunkSize, "ChunkSize must be between 16 and 16777216.");
        }

        _chunkSize = options.ChunkSize;
    }

    /// <summary>Ids of the bots that have at least one stored event.</summary>
    public IReadOnlyCollection<string> BotIds => _bots.Keys.ToArray();

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();

        var errors = new List<EventError>();
        var valid = new bool[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var error = InteractionEventValidator.Validate(events[i], i);
            if (error is null)
            {
                valid[i] = true;
            }
            else
            {
                errors.Add(error);
            }
        }

        if (mode == AppendMode.Strict && errors.Count > 0)
        {
            throw new EventBatchRejectedException(errors);
        }

        lock (_writeLock)
        {
            // A bot belongs to one account; an event that names another one is refused.
            var newBotAccounts = new Dictionary<string, string>(StringComparer.Ordinal);
            var byBot = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < events.Count; i++)
            {
                if (!valid[i])
                {
                    continue;
                }

                var evt = events[i];
                var owner = _bots.TryGetValue(evt.BotId, out var existing) ? existing.AccountId : newBotAccounts.GetValueOrDefault(evt.BotId);
                var account = evt.AccountId is { Length: > 0 } named ? named : owner ?? InteractionEvent.DefaultAccountId;
                if (owner is null)
                {
                    newBotAccounts[evt.BotId] = account;
                }
                else if (!string.Equals(owner, account, StringComparison.Ordinal))
                {
                    valid[i] = false;
                    errors.Add(new EventError(i, null, "accountId", $"bot '{evt.BotId}' already belongs to another account than '{account}'"));
                    continue;
                }

                if (!byBot.TryGetValue(evt.BotId, out var indexes))
                {
                    byBot[evt.BotId] = indexes = [];
                }

                indexes.Add(i);
            }

            errors.Sort(static (a, b) => a.Index.CompareTo(b.Index));
            if (mode == AppendMode.Strict && errors.Count > 0)
            {
                throw new EventBatchRejectedException(errors);
            }

            var sequence = ++_sequence;
            int stored = 0, duplicates = 0;
            var touched = new List<BotLog>(byBot.Count);
            foreach (var (botId, indexes) in byBot)
            {
                if (!_bots.TryGetValue(botId, out var log))
                {
                    log = new BotLog(botId, newBotAccounts[botId], _chunkSize);
                }

                log.Apply(events, indexes, sequence, ref stored, ref duplicates);
                touched.Add(log);
            }

            // Publish only after every bot of the batch is applied.
            foreach (var log in touched)
            {
                log.Publish(sequence);
                _bots.TryAdd(log.BotId, log);
            }

            return new ValueTask<AppendResult>(new AppendResult(stored, duplicates, errors));
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

        return new ValueTask<IReadOnlyList<InteractionEvent>>(EventHistoryWindow.Select(new ArraySegment<InteractionEvent>(state.Events, 0, state.EventCount), fromUtcTicks, toUtcTicks));
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
