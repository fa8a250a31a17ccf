using System.Buffers;
using System.Buffers.Binary;
using EngagementMetrics.Events;

namespace EngagementMetrics.Storage.Relational;

/// <summary>One stored event in the columns of a history segment (ordinals of the bot's users, channels, conversations and labels).</summary>
/// <param name="Ticks">UTC ticks.</param>
/// <param name="Code">Kind and flags, see <see cref="HistorySegment.Code"/>.</param>
/// <param name="User">User ordinal, or -1 when the event names no user.</param>
/// <param name="Channel">Channel ordinal.</param>
/// <param name="Conversation">Conversation ordinal, or -1.</param>
/// <param name="Goal">Label ordinal of the goal, or -1.</param>
/// <param name="Tag">Label ordinal of the tag, or -1.</param>
internal readonly record struct HistoryRow(long Ticks, int Code, int User, int Channel, int Conversation, int Goal, int Tag);

/// <summary>
/// The compact form in which SQL stores keep every event for the statistics and the history (<see cref="IEventHistory"/>):
/// one row per bot, UTC day and append, holding that append's events of the day in time order (ties in the order they
/// were received) as one blob of columns. No per-event row, no per-event index.
/// </summary>
/// <remarks>
/// Layout: a varint count; timestamps as a little-endian int64 then varint deltas; then six integer columns written by
/// <see cref="ActivitySegment.WriteInts"/> at the narrowest width their largest value needs: code, user + 1, channel,
/// conversation + 1, goal + 1, tag + 1 (so "none" is 0). Event ids are not kept here: stores keep them only to
/// deduplicate.
/// </remarks>
internal static class HistorySegment
{
    /// <summary>Kind (4 bits) and the three optional flags (2 bits each: 0 absent, 1 false, 2 true).</summary>
    public static int Code(InteractionEvent evt) =>
        (int)evt.Kind | (Flag(evt.IntentMatched) << 4) | (Flag(evt.Fallback) << 6) | (Flag(evt.Error) << 8);

    public static InteractionKind KindOf(int code) => (InteractionKind)(code & 0xF);

    public static bool? IntentMatchedOf(int code) => FlagOf(code >> 4);

    public static bool? FallbackOf(int code) => FlagOf(code >> 6);

    public static bool? ErrorOf(int code) => FlagOf(code >> 8);

    public static byte[] Encode(ReadOnlySpan<HistoryRow> rows)
    {
        var writer = new ArrayBufferWriter<byte>(16 + (rows.Length * 10));
        ActivitySegment.WriteVarint(writer, (ulong)rows.Length);
        if (rows.Length == 0)
        {
            return writer.WrittenSpan.ToArray();
        }

        BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), rows[0].Ticks);
        writer.Advance(8);
        for (var i = 1; i < rows.Length; i++)
        {
            var delta = rows[i].Ticks - rows[i - 1].Ticks;
            if (delta < 0)
            {
                throw new ArgumentException("History timestamps must be in order.", nameof(rows));
            }

            ActivitySegment.WriteVarint(writer, (ulong)delta);
        }

        var column = ArrayPool<int>.Shared.Rent(rows.Length);
        try
        {
            var values = column.AsSpan(0, rows.Length);
            for (var c = 0; c < 6; c++)
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    var row = rows[i];
                    values[i] = c switch
                    {
                        0 => row.Code,
                        1 => row.User,
                        2 => row.Channel,
                        3 => row.Conversation,
                        4 => row.Goal,
                        _ => row.Tag,
                    };
                }

                ActivitySegment.WriteInts(writer, values, c == 0 || c == 2 ? 0 : 1);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(column);
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the blob's rows to <paramref name="rows"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> blob, List<HistoryRow> rows)
    {
        var count = (int)ActivitySegment.ReadVarint(ref blob);
        if (count == 0)
        {
            return;
        }

        var ticks = new long[count];
        var tick = BinaryPrimitives.ReadInt64LittleEndian(blob);
        blob = blob[8..];
        ticks[0] = tick;
        for (var i = 1; i < count; i++)
        {
            tick += (long)ActivitySegment.ReadVarint(ref blob);
            ticks[i] = tick;
        }

        var columns = new int[6][];
        for (var c = 0; c < 6; c++)
        {
            columns[c] = new int[count];
            ActivitySegment.ReadInts(ref blob, columns[c], c == 0 || c == 2 ? 0 : 1);
        }

        for (var i = 0; i < count; i++)
        {
            rows.Add(new HistoryRow(ticks[i], columns[0][i], columns[1][i], columns[2][i], columns[3][i], columns[4][i], columns[5][i]));
        }
    }

    private static int Flag(bool? value) => value switch { null => 0, false => 1, true => 2 };

    private static bool? FlagOf(int bits) => (bits & 3) switch { 1 => false, 2 => true, _ => null };
}
