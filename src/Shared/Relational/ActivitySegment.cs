using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// The compact, time-ordered form in which SQL stores keep user activity: one row per bot, UTC day and append
/// ("segment"), holding that append's activity of the day as two blobs. <c>core</c> holds the timestamps
/// (delta-encoded varints) and user ordinals; <c>dims</c> holds channel and conversation ordinals and is read only
/// when a query filters on them.
/// </summary>
/// <remarks>
/// <para>Integer columns are written little-endian with the narrowest width (1, 2, 3 or 4 bytes) that holds the segment's
/// largest value; conversation ordinals are stored plus one so "no conversation" (-1) becomes 0.</para>
/// <para><c>core</c>, format 2 (written since the first-seen pages): a zero byte and <see cref="Format2Tag"/>, the event
/// count (varint), the time step (varint: the greatest common divisor of the segment's timestamp deltas, so
/// millisecond or second timestamps store a delta in 2 bytes instead of 4), the first timestamp (8 bytes), each delta
/// divided by the step (varints), then the user ordinals. Format 1, read but no longer written, has no tag and no
/// step: the count, the first timestamp, the deltas in ticks, the user ordinals. A format 1 blob can start with a zero
/// byte only when it is empty, and its next byte is then the user column's width, 1, never the tag, so the two can not
/// be confused and databases written before format 2 read unchanged.</para>
/// </remarks>
internal static class ActivitySegment
{
    /// <summary>The byte after the leading zero of a format 2 <c>core</c> blob.</summary>
    public const byte Format2Tag = 0xC2;

    /// <summary>The UTC day number (days since 0001-01-01) of an instant.</summary>
    public static int DayOf(long utcTicks) => (int)(utcTicks / TimeSpan.TicksPerDay);

    public static byte[] EncodeCore(ReadOnlySpan<long> ticks, ReadOnlySpan<int> users)
    {
        var writer = new ArrayBufferWriter<byte>(32 + (ticks.Length * 7));
        var step = TimeStep(ticks);
        var header = writer.GetSpan(2);
        header[0] = 0;
        header[1] = Format2Tag;
        writer.Advance(2);
        WriteVarint(writer, (ulong)ticks.Length);
        WriteVarint(writer, step);
        if (ticks.Length > 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), ticks[0]);
            writer.Advance(8);
            for (var i = 1; i < ticks.Length; i++)
            {
                WriteVarint(writer, (ulong)(ticks[i] - ticks[i - 1]) / step);
            }
        }

        WriteInts(writer, users, 0);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] EncodeDims(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations)
    {
        var writer = new ArrayBufferWriter<byte>(16 + (channels.Length * 3));
        WriteInts(writer, channels, 0);
        WriteInts(writer, conversations, 1);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a core blob into the start of the columns; returns the event count.</summary>
    /// <remarks>
    /// The hot loop of every SQL query: while 8 bytes are left, each delta is read with one 8-byte load, its length
    /// found from the first byte without the continuation bit, and its 7-bit groups packed in three steps, instead of
    /// a loop and a branch per byte.
    /// </remarks>
    public static int DecodeCore(ReadOnlySpan<byte> blob, Span<long> ticks, Span<int> users)
    {
        var count = ReadHeader(ref blob, out var step);
        if (count == 0)
        {
            return 0;
        }

        if (count < 0 || count > ticks.Length || count > users.Length)
        {
            throw new InvalidDataException($"An activity segment says it holds {count} events where {Math.Min(ticks.Length, users.Length)} were expected; the segment is corrupt.");
        }

        ticks = ticks[..count];
        var tick = BinaryPrimitives.ReadInt64LittleEndian(blob);
        ticks[0] = tick;
        var at = 8;
        var i = 1;
        for (var last = blob.Length - 8; i < count && at <= last; i++)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(blob[at..]);
            var stops = ~word & 0x8080_8080_8080_8080UL;
            if (stops == 0)
            {
                // Longer than 8 bytes: the byte-wise loop below reads it (and refuses it when too long).
                break;
            }

            var bits = BitOperations.TrailingZeroCount(stops) + 1;
            at += bits >> 3;
            var value = word & (ulong.MaxValue >> (64 - bits)) & 0x7F7F_7F7F_7F7F_7F7FUL;
            value = (value & 0x007F_007F_007F_007FUL) | ((value & 0x7F00_7F00_7F00_7F00UL) >> 1);
            value = (value & 0x0000_3FFF_0000_3FFFUL) | ((value & 0x3FFF_0000_3FFF_0000UL) >> 2);
            value = (value & 0x0000_0000_0FFF_FFFFUL) | ((value & 0x0FFF_FFFF_0000_0000UL) >> 4);
            tick += (long)(value * step);
            ticks[i] = tick;
        }

        blob = blob[at..];
        for (; i < count; i++)
        {
            tick += (long)(ReadVarint(ref blob) * step);
            ticks[i] = tick;
        }

        ReadInts(ref blob, users[..count], 0);
        return count;
    }

    public static void DecodeDims(ReadOnlySpan<byte> blob, Span<int> channels, Span<int> conversations)
    {
        ReadInts(ref blob, channels, 0);
        ReadInts(ref blob, conversations, 1);
    }

    /// <summary>The event count stored at the head of a core blob.</summary>
    public static int CountOf(ReadOnlySpan<byte> core) => ReadHeader(ref core, out _);

    // The greatest common divisor of the deltas (1 when there are none, or all are zero); throws when out of order.
    private static ulong TimeStep(ReadOnlySpan<long> ticks)
    {
        ulong step = 0;
        for (var i = 1; i < ticks.Length; i++)
        {
            var delta = ticks[i] - ticks[i - 1];
            if (delta < 0)
            {
                throw new ArgumentException("Segment timestamps must be in order.", nameof(ticks));
            }

            if (step != 1 && delta != 0)
            {
                step = step == 0 ? (ulong)delta : Gcd(step, (ulong)delta);
            }
        }

        return Math.Max(step, 1);
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    // Reads the count (and, in format 2, the time step) of a core blob, leaving the blob at the first timestamp.
    private static int ReadHeader(ref ReadOnlySpan<byte> blob, out ulong step)
    {
        step = 1;
        if (blob.Length >= 2 && blob[0] == 0 && blob[1] == Format2Tag)
        {
            blob = blob[2..];
            var count = (int)ReadVarint(ref blob);
            step = ReadVarint(ref blob);
            if (step == 0)
            {
                throw new InvalidDataException("An activity segment has a time step of 0; the segment is corrupt.");
            }

            return count;
        }

        return (int)ReadVarint(ref blob);
    }

    internal static void WriteInts(ArrayBufferWriter<byte> writer, ReadOnlySpan<int> values, int bias)
    {
        uint max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, (uint)(value + bias));
        }

        var width = max <= byte.MaxValue ? 1 : max <= ushort.MaxValue ? 2 : max <= 0xFFFFFF ? 3 : 4;
        var span = writer.GetSpan(1 + (values.Length * width));
        span[0] = (byte)width;
        var at = 1;
        foreach (var value in values)
        {
            var v = (uint)(value + bias);
            for (var b = 0; b < width; b++)
            {
                span[at++] = (byte)(v >> (8 * b));
            }
        }

        writer.Advance(at);
    }

    /// <remarks>
    /// Widths 1 and 2 are widened 16 or 8 values at a time with vector instructions where the hardware has them; width 3
    /// reads each value with one 4-byte load while a byte follows it.
    /// </remarks>
    internal static void ReadInts(ref ReadOnlySpan<byte> blob, Span<int> values, int bias)
    {
        var width = blob[0];
        if (width is < 1 or > 4)
        {
            throw new InvalidDataException($"Activity segment column width {width} is not valid; the segment is corrupt.");
        }

        var data = blob.Slice(1, values.Length * width);
        var i = 0;
        switch (width)
        {
            case 1:
                if (Vector128.IsHardwareAccelerated)
                {
                    var offset = Vector128.Create(bias);
                    for (; i <= values.Length - 16; i += 16)
                    {
                        var (low, high) = Vector128.Widen(Vector128.Create(data.Slice(i, 16)));
                        var (a, b) = Vector128.Widen(low);
                        var (c, d) = Vector128.Widen(high);
                        (a.AsInt32() - offset).CopyTo(values[i..]);
                        (b.AsInt32() - offset).CopyTo(values[(i + 4)..]);
                        (c.AsInt32() - offset).CopyTo(values[(i + 8)..]);
                        (d.AsInt32() - offset).CopyTo(values[(i + 12)..]);
                    }
                }

                for (; i < values.Length; i++)
                {
                    values[i] = data[i] - bias;
                }

                break;
            case 2:
                if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
                {
                    var source = MemoryMarshal.Cast<byte, ushort>(data);
                    var offset = Vector128.Create(bias);
                    for (; i <= values.Length - 8; i += 8)
                    {
                        var (low, high) = Vector128.Widen(Vector128.Create(source.Slice(i, 8)));
                        (low.AsInt32() - offset).CopyTo(values[i..]);
                        (high.AsInt32() - offset).CopyTo(values[(i + 4)..]);
                    }
                }

                for (; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]) - bias;
                }

                break;
            case 3:
                for (var last = values.Length - 1; i < last; i++)
                {
                    values[i] = (int)(BinaryPrimitives.ReadUInt32LittleEndian(data[(3 * i)..]) & 0xFF_FFFF) - bias;
                }

                for (; i < values.Length; i++)
                {
                    var at = 3 * i;
                    values[i] = (data[at] | (data[at + 1] << 8) | (data[at + 2] << 16)) - bias;
                }

                break;
            default:
                for (; i < values.Length; i++)
                {
                    values[i] = (int)(BinaryPrimitives.ReadUInt32LittleEndian(data[(4 * i)..]) - (uint)bias);
                }

                break;
        }

        blob = blob[(1 + data.Length)..];
    }

    internal static void WriteVarint(ArrayBufferWriter<byte> writer, ulong value)
    {
        var span = writer.GetSpan(10);
        var at = 0;
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[at++] = (byte)value;
        writer.Advance(at);
    }

    internal static ulong ReadVarint(ref ReadOnlySpan<byte> blob)
    {
        ulong value = 0;
        var shift = 0;
        var at = 0;
        while (true)
        {
            var b = blob[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }

            shift += 7;
            if (shift > 63)
            {
                throw new InvalidDataException("An activity segment varint is too long; the segment is corrupt.");
            }
        }

        blob = blob[at..];
        return value;
    }
}
