using EngagementMetrics.Events;

namespace EngagementMetrics.InMemory;

/// <summary>
/// A bot's events that are not user activity (handovers, goals, API calls, tags, closes), for the statistics: an
/// append-only log in storage order, each record a few bytes (about 10 for the typical event), in 64 KB blocks.
/// </summary>
/// <remarks>
/// <para>Record: a 16-bit header (kind, the three optional flags, which optional fields follow, whether the time step is
/// whole milliseconds), then varints: the time step from the previous record (zig-zag, in milliseconds when whole),
/// the channel ordinal, the user (ordinal times two, plus one for a user seen only outside user activity), the
/// conversation ordinal's step from the previous record's (zig-zag), the goal and tag label ordinals, and the tie rank
/// (how many user-activity events with the same timestamp the store held before this one; usually zero and left out).</para>
/// <para>Records never span blocks. A block is never rewritten below a published count, so a published view decodes
/// its first <c>count</c> records while appends go on.</para>
/// </remarks>
internal sealed class HistoryLog
{
    public const int BlockSize = 1 << 16;
    private const int MaxRecord = 2 + (10 * 7);
    private byte[][] _blocks = [new byte[256]];
    private int[] _blockEnds = new int[4];
    private int _blockCount = 1;
    private int _used;
    private long _lastTicks;
    private int _lastConversation;

    public int Count { get; private set; }

    public long ByteCount => ((_blockCount - 1) * (long)BlockSize) + _blocks[_blockCount - 1].Length + (_blockEnds.Length * 4L);

    public void Append(in HistoryRecord record)
    {
        var block = _blocks[_blockCount - 1];
        if (_used + MaxRecord > block.Length)
        {
            if (block.Length < BlockSize)
            {
                // The first block starts small and doubles, so a bot with few such events holds little.
                Array.Resize(ref block, Math.Min(BlockSize, block.Length * 2));
                _blocks[_blockCount - 1] = block;
            }
            else
            {
                if (_blockCount == _blocks.Length)
                {
                    Array.Resize(ref _blocks, _blocks.Length * 2);
                    Array.Resize(ref _blockEnds, _blocks.Length);
                }

                _blockEnds[_blockCount - 1] = Count;
                block = new byte[BlockSize];
                _blocks[_blockCount++] = block;
                _used = 0;
            }
        }

        var span = block.AsSpan(_used);
        var delta = record.Ticks - _lastTicks;
        var milliseconds = delta % TimeSpan.TicksPerMillisecond == 0;
        var header = (int)record.Kind | (record.Details << 4)
            | (record.User != HistoryRecord.NoUser ? HasUser : 0)
            | (record.Conversation >= 0 ? HasConversation : 0)
            | (record.Goal >= 0 ? HasGoal : 0)
            | (record.Tag >= 0 ? HasTag : 0)
            | (record.TieRank > 0 ? HasTie : 0)
            | (milliseconds ? WholeMilliseconds : 0);
        span[0] = (byte)header;
        span[1] = (byte)(header >> 8);
        var at = 2;
        at += VarInt.Write(span[at..], VarInt.ZigZag(milliseconds ? delta / TimeSpan.TicksPerMillisecond : delta));
        at += VarInt.Write(span[at..], (uint)record.Channel);
        if (record.User != HistoryRecord.NoUser)
        {
            at += VarInt.Write(span[at..], (ulong)record.User);
        }

        if (record.Conversation >= 0)
        {
            at += VarInt.Write(span[at..], VarInt.ZigZag((long)record.Conversation - _lastConversation));
            _lastConversation = record.Conversation;
        }

        if (record.Goal >= 0)
        {
            at += VarInt.Write(span[at..], (uint)record.Goal);
        }

        if (record.Tag >= 0)
        {
            at += VarInt.Write(span[at..], (uint)record.Tag);
        }

        if (record.TieRank > 0)
        {
            at += VarInt.Write(span[at..], (uint)record.TieRank);
        }

        _used += at;
        _lastTicks = record.Ticks;
        Count++;
    }

    /// <summary>An immutable view of the records appended so far.</summary>
    public View Publish() => new(_blocks.AsSpan(0, _blockCount).ToArray(), _blockEnds.AsSpan(0, _blockCount - 1).ToArray(), Count);

    private const int HasUser = 1 << 10;
    private const int HasConversation = 1 << 11;
    private const int HasGoal = 1 << 12;
    private const int HasTag = 1 << 13;
    private const int HasTie = 1 << 14;
    private const int WholeMilliseconds = 1 << 15;

    /// <summary>The first <c>count</c> records of a log, for reading.</summary>
    internal sealed class View(byte[][] blocks, int[] blockEnds, int count)
    {
        public int Count => count;

        /// <summary>A decoder of the records, in storage order.</summary>
        public Reader Read() => new(blocks, blockEnds, count);
    }

    /// <summary>Decodes a view's records one by one.</summary>
    internal struct Reader(byte[][] blocks, int[] blockEnds, int count)
    {
        private long _ticks;
        private int _conversation;
        private int _block;
        private int _at;

        /// <summary>Storage position of the next record.</summary>
        public int Index { get; private set; }

        public bool Next(out HistoryRecord record)
        {
            if (Index == count)
            {
                record = default;
                return false;
            }

            if (_block < blockEnds.Length && Index == blockEnds[_block])
            {
                _block++;
                _at = 0;
            }

            var span = blocks[_block].AsSpan();
            var at = _at;
            var header = span[at] | (span[at + 1] << 8);
            at += 2;
            var delta = VarInt.UnZigZag(VarInt.Read(span, ref at));
            _ticks += (header & WholeMilliseconds) != 0 ? delta * TimeSpan.TicksPerMillisecond : delta;
            var channel = (int)VarInt.Read(span, ref at);
            var user = (header & HasUser) != 0 ? (long)VarInt.Read(span, ref at) : HistoryRecord.NoUser;
            var conversation = -1;
            if ((header & HasConversation) != 0)
            {
                _conversation += (int)VarInt.UnZigZag(VarInt.Read(span, ref at));
                conversation = _conversation;
            }

            var goal = (header & HasGoal) != 0 ? (int)VarInt.Read(span, ref at) : -1;
            var tag = (header & HasTag) != 0 ? (int)VarInt.Read(span, ref at) : -1;
            var tie = (header & HasTie) != 0 ? (int)VarInt.Read(span, ref at) : 0;
            _at = at;
            Index++;
            record = new HistoryRecord(_ticks, (InteractionKind)(header & 0xF), (byte)((header >> 4) & 0x3F), channel, user, conversation, goal, tag, tie);
            return true;
        }
    }
}

/// <summary>One event of the <see cref="HistoryLog"/>, decoded.</summary>
/// <param name="Ticks">UTC ticks.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Details">The three optional flags, two bits each (<see cref="EventDetails"/>, without the kind).</param>
/// <param name="Channel">Channel ordinal.</param>
/// <param name="User"><see cref="NoUser"/>, or a user ordinal times two, plus one for a user seen only outside user activity.</param>
/// <param name="Conversation">Conversation ordinal, or -1.</param>
/// <param name="Goal">Label ordinal of the goal, or -1.</param>
/// <param name="Tag">Label ordinal of the tag, or -1.</param>
/// <param name="TieRank">User-activity events with the same timestamp stored before this one.</param>
internal readonly record struct HistoryRecord(long Ticks, InteractionKind Kind, byte Details, int Channel, long User, int Conversation, int Goal, int Tag, int TieRank)
{
    public const long NoUser = -1;
}

/// <summary>
/// The optional fields of an event packed in a byte: bits 0-1 the user-activity kind (in the activity chunks only),
/// then intentMatched, fallback and error, two bits each (0 absent, 1 false, 2 true).
/// </summary>
internal static class EventDetails
{
    public static byte Flags(InteractionEvent evt) => Flags(evt.IntentMatched, evt.Fallback, evt.Error);

    public static byte Flags(bool? intentMatched, bool? fallback, bool? error) =>
        (byte)(Tri(intentMatched) | (Tri(fallback) << 2) | (Tri(error) << 4));

    public static bool? IntentMatched(int flags) => FromTri(flags & 3);

    public static bool? Fallback(int flags) => FromTri((flags >> 2) & 3);

    public static bool? Error(int flags) => FromTri((flags >> 4) & 3);

    private static int Tri(bool? value) => value switch { null => 0, false => 1, true => 2 };

    private static bool? FromTri(int value) => value switch { 0 => null, 1 => false, _ => true };
}
