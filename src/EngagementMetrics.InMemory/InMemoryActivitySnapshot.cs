using EngagementMetrics.Storage;

namespace EngagementMetrics.InMemory;

/// <summary>A read-only view of one published <see cref="BotState"/>.</summary>
internal sealed class InMemoryActivitySnapshot(BotState state) : IActivitySnapshot
{
    public string BotId => state.BotId;

    public string AccountId => state.AccountId;

    public int UserCount => state.UserCount;

    public int ConversationCount => state.ConversationCount;

    public IReadOnlyList<string> Channels => state.Channels;

    public ValueTask<ReadOnlyMemory<long>> GetFirstSeenAsync(CancellationToken cancellationToken = default) =>
        new(new ReadOnlyMemory<long>(state.FirstSeen, 0, state.UserCount));

    public ValueTask CopyConversationFactsAsync(Memory<ConversationFacts> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length < state.ConversationCount)
        {
            throw new ArgumentException($"The destination holds {destination.Length} entries; {state.ConversationCount} are needed.", nameof(destination));
        }

        var span = destination.Span;
        var sequence = state.Sequence;
        var interactive = state.InteractiveSequence;
        var closed = state.ClosedSequence;
        for (var i = 0; i < state.ConversationCount; i++)
        {
            // Facts established by batches after this snapshot carry a higher sequence number and stay invisible.
            span[i] = (interactive[i] <= sequence ? ConversationFacts.Interactive : ConversationFacts.None)
                | (closed[i] <= sequence ? ConversationFacts.Closed : ConversationFacts.None);
        }

        return ValueTask.CompletedTask;
    }

    public IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default) =>
        new ChunkScan(state, fromUtcTicks, toUtcTicks, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Yields each chunk's slice within the range; completes synchronously (no allocation per batch).</summary>
    private sealed class ChunkScan(BotState state, long from, long to, CancellationToken scanToken)
        : IAsyncEnumerable<ActivityBatch>, IAsyncEnumerator<ActivityBatch>
    {
        private CancellationToken _enumeratorToken;
        private int _chunk = -1;
        private bool _started;

        public ActivityBatch Current { get; private set; }

        public IAsyncEnumerator<ActivityBatch> GetAsyncEnumerator(CancellationToken token = default)
        {
            // The first enumeration reuses this object; both the scan's token and the enumerator's token cancel it.
            var scan = _started ? new ChunkScan(state, from, to, scanToken) : this;
            scan._enumeratorToken = token;
            return scan;
        }

        public ValueTask<bool> MoveNextAsync()
        {
            scanToken.ThrowIfCancellationRequested();
            _enumeratorToken.ThrowIfCancellationRequested();
            if (!_started)
            {
                _started = true;
                _chunk = FirstChunk() - 1;
            }

            while (++_chunk < state.Chunks.Length)
            {
                var chunk = state.Chunks[_chunk];
                var count = state.Counts[_chunk];
                if (count == 0 || chunk.Ticks[count - 1] < from)
                {
                    continue;
                }

                if (chunk.Ticks[0] >= to)
                {
                    break;
                }

                var start = SortedTicks.LowerBound(chunk.Ticks.AsSpan(0, count), from);
                var end = SortedTicks.LowerBound(chunk.Ticks.AsSpan(0, count), to);
                if (start == end)
                {
                    continue;
                }

                var length = end - start;
                Current = new ActivityBatch(
                    new ReadOnlyMemory<long>(chunk.Ticks, start, length),
                    new ReadOnlyMemory<int>(chunk.Users, start, length),
                    new ReadOnlyMemory<int>(chunk.Channels, start, length),
                    new ReadOnlyMemory<int>(chunk.Conversations, start, length));
                return new ValueTask<bool>(true);
            }

            _chunk = state.Chunks.Length;
            return new ValueTask<bool>(false);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        // The last chunk whose first tick is below 'from' (or 0): earlier chunks end before it.
        private int FirstChunk()
        {
            int lo = 0, hi = state.Chunks.Length - 1, answer = 0;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                if (state.Counts[mid] > 0 && state.Chunks[mid].Ticks[0] < from)
                {
                    answer = mid;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return answer;
        }
    }
}
