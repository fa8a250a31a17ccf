using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Conformance;

/// <summary>
/// The store the conformance suite compares every other store with: the contract read literally, with no cleverness to
/// get wrong. It keeps each bot's events as an immutable list, publishes a new list per committed batch, and builds a
/// snapshot's ordinals, first-seen values and conversation facts with plain LINQ when the snapshot opens.
/// </summary>
/// <remarks>
/// Correct and slow: opening a snapshot costs time and memory proportional to the bot's whole history, and one append
/// runs at a time. Meant for tests; use the in-memory or a SQL store in an application. Appends go through
/// <see cref="AppendPipeline"/>, like every store of this project.
/// </remarks>
public sealed class ReferenceInteractionStore : IInteractionStore, IAppendTarget, IEventHistory
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private ImmutableSortedDictionary<string, BotHistory> _bots = ImmutableSortedDictionary.Create<string, BotHistory>(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default) =>
        AppendPipeline.AppendAsync(this, events, mode, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Transaction(this);
    }

    /// <inheritdoc />
    public ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IActivitySnapshot?>(Volatile.Read(ref _bots).TryGetValue(botId, out var bot) ? new Snapshot(botId, bot) : null);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetBotIdsAsync(string accountId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. Volatile.Read(ref _bots).Where(b => b.Value.AccountId == accountId).Select(b => b.Key)]);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<InteractionEvent>> ReadEventsAsync(string botId, long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default)
    {
        if (!Volatile.Read(ref _bots).TryGetValue(botId, out var bot))
        {
            return ValueTask.FromResult<IReadOnlyList<InteractionEvent>>([]);
        }

        // As the contract returns them: no event id, the bot's account, UTC, lower-case channels.
        var events = bot.Events.Select(e => e with
        {
            EventId = null,
            AccountId = bot.AccountId,
            Timestamp = e.Timestamp.ToUniversalTime(),
            Channel = e.NormalizedChannel,
        }).ToList();
        return ValueTask.FromResult(EventHistoryWindow.Select(events, fromUtcTicks, toUtcTicks));
    }

    private sealed record BotHistory(string AccountId, ImmutableList<InteractionEvent> Events, ImmutableHashSet<string> EventIds);

    private sealed class Transaction(ReferenceInteractionStore store) : IAppendTransaction
    {
        private readonly Dictionary<string, BotHistory> _written = new(StringComparer.Ordinal);
        private bool _disposed;

        // One transaction at a time holds the store's writer lock, so every bot is already locked.
        public ValueTask<string?> LockBotAsync(string botId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(store._bots.TryGetValue(botId, out var bot) ? bot.AccountId : null);

        public ValueTask<int> WriteAsync(string botId, string accountId, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default)
        {
            var bot = _written.TryGetValue(botId, out var written) ? written
                : store._bots.TryGetValue(botId, out var stored) ? stored
                : new BotHistory(accountId, [], ImmutableHashSet.Create<string>(StringComparer.Ordinal));
            var duplicates = 0;
            var added = bot.Events.ToBuilder();
            var ids = bot.EventIds.ToBuilder();
            foreach (var e in events)
            {
                if (e.EventId is { } id && !ids.Add(id))
                {
                    duplicates++;
                    continue;
                }

                added.Add(e);
            }

            _written[botId] = bot with { Events = added.ToImmutable(), EventIds = ids.ToImmutable() };
            return ValueTask.FromResult(duplicates);
        }

        public ValueTask CommitAsync(CancellationToken cancellationToken = default)
        {
            Volatile.Write(ref store._bots, store._bots.SetItems(_written));
            _written.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (!_disposed)
            {
                _disposed = true;
                store._writer.Release();
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class Snapshot : IActivitySnapshot
    {
        private readonly InteractionEvent[] _activity;
        private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _channels = new(StringComparer.Ordinal);
        private readonly ConversationFacts[] _facts;
        private readonly Dictionary<string, int> _conversations;
        private readonly long[] _firstSeen;

        public Snapshot(string botId, BotHistory bot)
        {
            BotId = botId;
            AccountId = bot.AccountId;

            // Stable: ties keep the order the store received them.
            _activity = [.. bot.Events.Where(e => e.Kind.IsUserActivity()).OrderBy(e => e.Timestamp.UtcTicks)];
            foreach (var e in _activity)
            {
                _users.TryAdd(e.UserId!, _users.Count);
                _channels.TryAdd(e.NormalizedChannel, _channels.Count);
            }

            _firstSeen = new long[_users.Count];
            foreach (var group in _activity.GroupBy(e => e.UserId!))
            {
                _firstSeen[_users[group.Key]] = group.Min(e => e.Timestamp.UtcTicks);
            }

            var conversations = bot.Events.Where(e => e.ConversationId is not null).GroupBy(e => e.ConversationId!).ToList();
            _conversations = conversations.Select((g, i) => (g.Key, i)).ToDictionary(p => p.Key, p => p.i, StringComparer.Ordinal);
            _facts = [.. conversations.Select(g =>
                (g.Any(e => e.Kind.IsUserInput()) ? ConversationFacts.Interactive : ConversationFacts.None)
                | (g.Any(e => e.Kind == InteractionKind.ConversationClosed) ? ConversationFacts.Closed : ConversationFacts.None))];
            Channels = [.. _channels.OrderBy(c => c.Value).Select(c => c.Key)];
        }

        public string BotId { get; }

        public string AccountId { get; }

        public int UserCount => _users.Count;

        public int ConversationCount => _facts.Length;

        public IReadOnlyList<string> Channels { get; }

        public ValueTask<ReadOnlyMemory<long>> GetFirstSeenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<ReadOnlyMemory<long>>(_firstSeen);

        public ValueTask CopyConversationFactsAsync(Memory<ConversationFacts> destination, CancellationToken cancellationToken = default)
        {
            _facts.CopyTo(destination);
            return ValueTask.CompletedTask;
        }

        // Batches of at most 100 events, so an engine that mishandles batch edges is caught.
        public async IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var chunk in _activity.Where(e => e.Timestamp.UtcTicks >= fromUtcTicks && e.Timestamp.UtcTicks < toUtcTicks).Chunk(100))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
                yield return new ActivityBatch(
                    chunk.Select(e => e.Timestamp.UtcTicks).ToArray(),
                    chunk.Select(e => _users[e.UserId!]).ToArray(),
                    chunk.Select(e => _channels[e.NormalizedChannel]).ToArray(),
                    chunk.Select(e => e.ConversationId is { } id ? _conversations[id] : -1).ToArray());
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
