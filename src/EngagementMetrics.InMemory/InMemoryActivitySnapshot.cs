using System.Buffers;
using System.Runtime.InteropServices;
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

        // Pages copied on write: facts established by batches after this snapshot stay invisible.
        state.Facts.CopyTo(destination.Span);
        return ValueTask.CompletedTask;
    }

    public IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default) =>
        new ChunkScan(state, fromUtcTicks, toUtcTicks, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Yields each chunk's slice within the range; completes synchronously. Ticks, users and conversations are the
    /// chunk's own arrays; channels are widened from bytes into one buffer of the scan only when the consumer reads
    /// them (an unfiltered trend never does), so nothing is allocated per batch.
    /// </summary>
    private sealed class ChunkScan(BotState state, long from, long to, CancellationToken scanToken)
        : IAsyncEnumerable<ActivityBatch>, IAsyncEnumerator<ActivityBatch>
    {
        private CancellationToken _enumeratorToken;
        private WideningColumn? _channels;
        private WideningColumn? _conversations;
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
                var channels = chunk.WideChannels is { } wideChannels
                    ? new ReadOnlyMemory<int>(wideChannels, start, length)
                    : (_channels ??= new WideningColumn(MaxCapacity(), conversations: false)).Over(chunk, start, length);
                var conversations = chunk.WideConversations is { } wideConversations
                    ? new ReadOnlyMemory<int>(wideConversations, start, length)
                    : (_conversations ??= new WideningColumn(MaxCapacity(), conversations: true)).Over(chunk, start, length);
                Current = new ActivityBatch(
                    new ReadOnlyMemory<long>(chunk.Ticks, start, length),
                    new ReadOnlyMemory<int>(chunk.Users, start, length),
                    channels,
                    conversations);
                return new ValueTask<bool>(true);
            }

            _chunk = state.Chunks.Length;
            return new ValueTask<bool>(false);
        }

        public ValueTask DisposeAsync()
        {
            _channels?.Release();
            _conversations?.Release();
            return ValueTask.CompletedTask;
        }

        private int MaxCapacity()
        {
            var max = 0;
            foreach (var chunk in state.Chunks)
            {
                max = Math.Max(max, chunk.Capacity);
            }

            return max;
        }

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

    /// <summary>
    /// An <c>int</c> column over a slice of a chunk's narrow channel or conversation column, widened on the first read
    /// of its span (then kept until the next slice). Memory made by <see cref="Over"/> is valid until the next call, as
    /// a batch's memory is. One per scan and column, so a scan allocates nothing per batch.
    /// </summary>
    private sealed class WideningColumn(int capacity, bool conversations) : MemoryManager<int>
    {
        private Chunk? _source;
        private int _start;
        private int _length;
        private int[]? _buffer;
        private bool _widened;
        private GCHandle _pin;

        public ReadOnlyMemory<int> Over(Chunk source, int start, int length)
        {
            _source = source;
            _start = start;
            _length = length;
            _widened = false;
            return CreateMemory(length);
        }

        public override Span<int> GetSpan()
        {
            var buffer = _buffer ??= ArrayPool<int>.Shared.Rent(capacity);
            if (!_widened && _source is { } source)
            {
                if (conversations)
                {
                    source.WidenConversations(_start, buffer.AsSpan(0, _length));
                }
                else
                {
                    source.WidenChannels(_start, buffer.AsSpan(0, _length));
                }

                _widened = true;
            }

            return buffer.AsSpan(0, _length);
        }

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            GetSpan();
            if (!_pin.IsAllocated)
            {
                _pin = GCHandle.Alloc(_buffer, GCHandleType.Pinned);
            }

            unsafe
            {
                return new MemoryHandle((int*)_pin.AddrOfPinnedObject() + elementIndex, _pin, this);
            }
        }

        public override void Unpin()
        {
            if (_pin.IsAllocated)
            {
                _pin.Free();
            }
        }

        public void Release()
        {
            Unpin();
            if (_buffer is not null)
            {
                ArrayPool<int>.Shared.Return(_buffer);
                _buffer = null;
            }
        }

        protected override void Dispose(bool disposing) => Release();
    }
}
