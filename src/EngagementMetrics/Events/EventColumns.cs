using System.Runtime.CompilerServices;
using System.Text;

namespace EngagementMetrics.Events;

/// <summary>
/// Validated events held in columns, as <see cref="EventStreamReader"/> reads them: no event object per event, the
/// repeated ids (bots, users, conversations, channels) as shared strings, the event ids as UTF-8 bytes. Read it as a
/// list of <see cref="InteractionEvent"/> (each element is built when it is read), or field by field without building
/// anything (<see cref="GetUtcTicks"/>, <see cref="TryGetEventIdUtf8"/>, ...), as stores do.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> A batch of 50,000 events lives while it is stored, long enough for the garbage collector to promote
/// whatever it is made of. Made of event objects and event-id strings (about 300 bytes per event), it made ingest spend
/// a third of its time in collections; made of a few large arrays, it costs a collection nothing to keep.</para>
/// <para><b>Elements are built on access.</b> <c>columns[i]</c> returns a new <see cref="InteractionEvent"/> every time
/// (equal by value to the previous one, not the same instance); its <see cref="InteractionEvent.EventId"/> is decoded
/// from the bytes each time. Read each element once, or keep what you read.</para>
/// <para>Only the core creates instances (the reader, and the append pipeline's per-bot views of a batch), so every
/// event in one has passed every rule of <see cref="InteractionEventValidator"/>. Immutable; thread-safe for reading.
/// One exception: the batches <c>AppendAllAsync</c> yields are released when its enumeration moves on, and from then on
/// every member throws <see cref="ObjectDisposedException"/> (read them in the loop's body, on its thread).</para>
/// </remarks>
public sealed class EventColumns : IReadOnlyList<InteractionEvent>
{
    private readonly EventRowBatch _batch;
    private readonly int[]? _map;

    internal EventColumns(EventRowBatch batch, int[]? map = null, int count = -1)
    {
        _batch = batch;
        _map = map;
        Count = map is null ? batch.Count : count;
    }

    /// <summary>Number of events.</summary>
    public int Count { get; }

    internal EventRowBatch Batch => _batch;

    /// <summary>Builds event <paramref name="index"/> as an object (a new instance on every call).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public InteractionEvent this[int index]
    {
        get
        {
            ref readonly var row = ref Row(index);
            return new InteractionEvent
            {
                EventId = row.EventIdStart < 0 ? null : Encoding.UTF8.GetString(_batch.Ids, row.EventIdStart, row.EventIdLength),
                AccountId = row.AccountId,
                BotId = row.BotId,
                UserId = row.UserId,
                ConversationId = row.ConversationId,
                Timestamp = EventRow.Timestamp(row),
                Channel = row.Channel,
                Kind = (InteractionKind)row.Kind,
                IntentMatched = EventRow.Flag(row.Flags, 0),
                Fallback = EventRow.Flag(row.Flags, 2),
                Goal = row.Goal,
                Error = EventRow.Flag(row.Flags, 4),
                Tag = row.Tag,
            };
        }
    }

    /// <summary>The bot of event <paramref name="index"/> (<see cref="InteractionEvent.BotId"/>).</summary>
    public string GetBotId(int index) => Row(index).BotId;

    /// <summary><see cref="InteractionEvent.AccountId"/> of event <paramref name="index"/>.</summary>
    public string? GetAccountId(int index) => Row(index).AccountId;

    /// <summary><see cref="InteractionEvent.UserId"/> of event <paramref name="index"/>.</summary>
    public string? GetUserId(int index) => Row(index).UserId;

    /// <summary><see cref="InteractionEvent.ConversationId"/> of event <paramref name="index"/>.</summary>
    public string? GetConversationId(int index) => Row(index).ConversationId;

    /// <summary><see cref="InteractionEvent.Channel"/> of event <paramref name="index"/>, as written (not normalised).</summary>
    public string? GetChannel(int index) => Row(index).Channel;

    /// <summary><see cref="InteractionEvent.Goal"/> of event <paramref name="index"/>.</summary>
    public string? GetGoal(int index) => Row(index).Goal;

    /// <summary><see cref="InteractionEvent.Tag"/> of event <paramref name="index"/>.</summary>
    public string? GetTag(int index) => Row(index).Tag;

    /// <summary><see cref="InteractionEvent.Kind"/> of event <paramref name="index"/>.</summary>
    public InteractionKind GetKind(int index) => (InteractionKind)Row(index).Kind;

    /// <summary>The instant of event <paramref name="index"/> as UTC ticks (<c>Timestamp.UtcTicks</c>).</summary>
    public long GetUtcTicks(int index) => Row(index).UtcTicks;

    /// <summary><see cref="InteractionEvent.Timestamp"/> of event <paramref name="index"/>, with its offset as written.</summary>
    public DateTimeOffset GetTimestamp(int index) => EventRow.Timestamp(Row(index));

    /// <summary><see cref="InteractionEvent.IntentMatched"/> of event <paramref name="index"/>.</summary>
    public bool? GetIntentMatched(int index) => EventRow.Flag(Row(index).Flags, 0);

    /// <summary><see cref="InteractionEvent.Fallback"/> of event <paramref name="index"/>.</summary>
    public bool? GetFallback(int index) => EventRow.Flag(Row(index).Flags, 2);

    /// <summary><see cref="InteractionEvent.Error"/> of event <paramref name="index"/>.</summary>
    public bool? GetError(int index) => EventRow.Flag(Row(index).Flags, 4);

    /// <summary><see cref="InteractionEvent.EventId"/> of event <paramref name="index"/>, decoded (a new string on every call).</summary>
    public string? GetEventId(int index)
    {
        ref readonly var row = ref Row(index);
        return row.EventIdStart < 0 ? null : Encoding.UTF8.GetString(_batch.Ids, row.EventIdStart, row.EventIdLength);
    }

    /// <summary>
    /// The UTF-8 bytes of the event id of event <paramref name="index"/>, without decoding it: exactly
    /// <c>Encoding.UTF8.GetBytes(GetEventId(index))</c> (escapes resolved).
    /// </summary>
    /// <returns>False when the event has no id (then <paramref name="utf8"/> is empty).</returns>
    /// <remarks>
    /// The span lends the batch's own memory, which the reader reuses for a later batch once this
    /// <see cref="EventColumns"/> is unreachable, or released (<c>AppendAllAsync</c> moved on): use it while you hold
    /// the columns and before the batch is released (call <c>GC.KeepAlive(columns)</c> after its last use if nothing
    /// else holds them), or copy it.
    /// </remarks>
    public bool TryGetEventIdUtf8(int index, out ReadOnlySpan<byte> utf8)
    {
        ref readonly var row = ref Row(index);
        if (row.EventIdStart < 0)
        {
            utf8 = default;
            return false;
        }

        utf8 = new ReadOnlySpan<byte>(_batch.Ids, row.EventIdStart, row.EventIdLength);
        return true;
    }

    /// <inheritdoc />
    public IEnumerator<InteractionEvent> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The events at <paramref name="indexes"/> (indexes of this instance), as a view over the same storage.</summary>
    internal EventColumns Select(int[] indexes, int count)
    {
        if (_map is not null)
        {
            var mapped = new int[count];
            for (var i = 0; i < count; i++)
            {
                mapped[i] = _map[indexes[i]];
            }

            return new EventColumns(_batch, mapped, count);
        }

        return new EventColumns(_batch, indexes, count);
    }

    /// <summary>The storage row of event <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref readonly EventRow Row(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            ThrowIndex(index);
        }

        return ref _batch.Rows[_map is null ? index : _map[index]];
    }

    private static void ThrowIndex(int index) => throw new ArgumentOutOfRangeException(nameof(index), index, "Index out of range.");
}

/// <summary>One event of a batch in columns' storage: strings shared with the reader's cache, the id in the batch's arena.</summary>
internal struct EventRow
{
    public string BotId;
    public string? AccountId;
    public string? UserId;
    public string? ConversationId;
    public string? Channel;
    public string? Goal;
    public string? Tag;
    public long UtcTicks;

    /// <summary>Start of the event id's UTF-8 bytes in <see cref="EventRowBatch.Ids"/>; -1 when the event has none.</summary>
    public int EventIdStart;
    public int EventIdLength;

    /// <summary>One-based line (JSON Lines) or zero-based index (array).</summary>
    public int Position;

    /// <summary>Zero-based record number.</summary>
    public int RecordIndex;
    public short OffsetMinutes;
    public byte Kind;

    /// <summary>Two bits per optional flag: intentMatched (bits 0-1), fallback (2-3), error (4-5); 0 null, 2 false, 3 true.</summary>
    public byte Flags;

    public static DateTimeOffset Timestamp(in EventRow row)
    {
        var offset = row.OffsetMinutes * TimeSpan.TicksPerMinute;
        return new DateTimeOffset(row.UtcTicks + offset, new TimeSpan(offset));
    }

    public static bool? Flag(byte flags, int shift) => ((flags >> shift) & 3) switch
    {
        2 => false,
        3 => true,
        _ => null,
    };

    public static byte FlagBits(bool? value, int shift) => value is { } v ? (byte)((v ? 3 : 2) << shift) : (byte)0;
}

/// <summary>
/// The storage of one batch: rows in one array, event ids in one byte arena. Both are large arrays (the large object
/// heap for a batch of thousands), so a collection neither copies nor promotes them, and the rows hold references only
/// to strings the reader's cache shares. The arrays are reused by later batches of the same reader once nothing refers
/// to this batch any more (<see cref="EventRowBatchPool"/>).
/// </summary>
internal sealed class EventRowBatch
{
    private readonly int _maxRows;
    private Storage? _storage;

    public EventRowBatch(int maxRows)
        : this(maxRows, new Storage(maxRows))
    {
    }

    private EventRowBatch(int maxRows, Storage storage)
    {
        _maxRows = maxRows;
        _storage = storage;
    }

    public EventRow[] Rows => (_storage ?? Released()).Rows;

    public byte[] Ids => (_storage ?? Released()).Ids;

    public int IdsUsed { get; set; }

    public int Count { get; private set; }

    /// <summary>A new, empty batch over <paramref name="storage"/> (whose previous batch is unreachable or released).</summary>
    public static EventRowBatch Over(int maxRows, Storage storage) => new(maxRows, storage);

    internal Storage Arrays => _storage ?? Released();

    /// <summary>
    /// Takes the arrays away from this batch (for a later batch to reuse them at once): every view of it (its events, their
    /// positions) throws <see cref="ObjectDisposedException"/> from then on instead of showing a later batch's events.
    /// </summary>
    internal Storage? Detach()
    {
        var storage = _storage;
        _storage = null;
        return storage;
    }

    private static Storage Released() => throw new ObjectDisposedException(
        nameof(EventColumns),
        "These events were released when AppendAllAsync moved on to the next batch; read what you need of a batch before asking for the next one.");

    /// <summary>The next row, to be filled and then kept by <see cref="Commit"/>.</summary>
    public ref EventRow Next()
    {
        if (Count == Rows.Length)
        {
            var rows = new EventRow[Math.Min(_maxRows, Rows.Length * 2)];
            Rows.AsSpan().CopyTo(rows);
            Arrays.Rows = rows;
        }

        ref var row = ref Rows[Count];
        row = default;
        return ref row;
    }

    public void Commit() => Count++;

    /// <summary>Room for <paramref name="length"/> more id bytes at <see cref="IdsUsed"/>.</summary>
    public Span<byte> IdSpace(int length)
    {
        if (IdsUsed + length > Ids.Length)
        {
            var ids = new byte[Math.Max(Ids.Length * 2, IdsUsed + length)];
            Ids.AsSpan(0, IdsUsed).CopyTo(ids);
            Arrays.Ids = ids;
        }

        return Ids.AsSpan(IdsUsed, length);
    }

    /// <summary>The arrays of a batch; a later batch may take them over.</summary>
    internal sealed class Storage
    {
        public Storage(int maxRows)
        {
            // Sized for the whole batch up to 65,536 rows (growing would allocate every size on the way); a larger
            // batch (an HTTP body allows a million) grows from there as it fills.
            var rows = Math.Min(maxRows, 1 << 16);
            Rows = new EventRow[rows];
            Ids = new byte[rows * 24];
        }

        public EventRow[] Rows { get; set; }

        public byte[] Ids { get; set; }
    }
}

/// <summary>
/// The batch storages of one reader, reused once the batch that used them is released (<see cref="Release"/>, as
/// <c>AppendAllAsync</c> does when it moves on) or unreachable: a caller of the reader may keep a batch (or any view of
/// it) as long as it likes, and then its storage is only reused after the garbage collector has found it unreachable
/// (a weak reference to the batch). A reader of a large input then allocates a few batch storages, not one per batch,
/// so its large arrays stop driving full collections.
/// </summary>
/// <remarks>Thread-safe: a read-ahead takes a storage while the batch before it is released.</remarks>
internal sealed class EventRowBatchPool
{
    private const int MaxKept = 4;
    private readonly List<(WeakReference<EventRowBatch> Owner, EventRowBatch.Storage Storage)> _kept = [];
    private readonly Stack<EventRowBatch.Storage> _released = new();

    public EventRowBatch Take(int maxRows)
    {
        lock (_kept)
        {
            if (_released.TryPop(out var free))
            {
                return Keep(EventRowBatch.Over(maxRows, free));
            }

            for (var i = 0; i < _kept.Count; i++)
            {
                var (owner, storage) = _kept[i];
                if (!owner.TryGetTarget(out _))
                {
                    var batch = EventRowBatch.Over(maxRows, storage);
                    _kept[i] = (new WeakReference<EventRowBatch>(batch), storage);
                    return batch;
                }
            }

            return Keep(new EventRowBatch(maxRows));
        }
    }

    /// <summary>Takes <paramref name="batch"/>'s arrays for the next <see cref="Take"/>; the batch's views throw from now on.</summary>
    public void Release(EventRowBatch batch)
    {
        lock (_kept)
        {
            if (batch.Detach() is not { } storage)
            {
                return;
            }

            // The weak entry of the batch (if kept) no longer owns the storage: the stack does, until it is taken again.
            var at = _kept.FindIndex(k => ReferenceEquals(k.Storage, storage));
            if (at >= 0)
            {
                _kept.RemoveAt(at);
            }

            if (_released.Count + _kept.Count < MaxKept)
            {
                _released.Push(storage);
            }
        }
    }

    private EventRowBatch Keep(EventRowBatch batch)
    {
        if (_released.Count + _kept.Count < MaxKept)
        {
            _kept.Add((new WeakReference<EventRowBatch>(batch), batch.Arrays));
        }

        return batch;
    }
}
