using System.Buffers;
using System.Buffers.Binary;
using System.Data.Common;
using System.Runtime.InteropServices;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// Every user's first-seen instant in the compact form a query reads: per bot, pages of <see cref="PageSize"/> users
/// in ordinal order (page <c>p</c> holds ordinals <c>p * PageSize</c> onwards; only the last page is shorter), each
/// value the UTC ticks as 8 bytes little-endian (<see cref="long.MaxValue"/> for a user never active). The users
/// table keeps the same value per user; the append writes both in its transaction, rewriting only the pages it
/// changes (the last page and new ones as users arrive, a few more when late events move users' first-seen back), so
/// a snapshot reads every first-seen value in a few blob rows instead of one row per user.
/// </summary>
/// <remarks>
/// Two page formats, told apart by length. Format 1 (raw): exactly 8 bytes per user. Format 2 (packed, written when
/// shorter): <see cref="PackedTag"/>, the time step (varint: the greatest common divisor of the differences between
/// consecutive active users' values), the first active user's ticks (8 bytes, absent when no user of the page is
/// active), then one varint per user: 0 for a user never active, else 1 + the zigzag-encoded difference from the
/// previous active user's value divided by the step. Users mostly arrive in time order, so a value takes 2 or 3 bytes
/// instead of 8. A page is written packed only when that is shorter than 8 bytes per user, so a blob of exactly that
/// length is always raw, and pages written before format 2 read unchanged.
/// </remarks>
internal static class FirstSeenPages
{
    /// <summary>The first byte of a packed page.</summary>
    public const byte PackedTag = 0xF2;

    /// <summary>Users per page: 8 KB per page.</summary>
    public const int PageSize = 1024;

    /// <summary>Number of pages that hold <paramref name="userCount"/> users.</summary>
    public static int PageCount(int userCount) => (userCount + PageSize - 1) / PageSize;

    /// <summary>
    /// Fills <paramref name="destination"/> (one entry per user of the snapshot) from the bot's pages, inside the
    /// snapshot's transaction.
    /// </summary>
    public static async ValueTask ReadAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, Memory<long> destination, CancellationToken cancellationToken)
    {
        var pages = PageCount(destination.Length);
        var read = 0;
        await using var reader = await store.ReadRowsAsync(connection, transaction, $"SELECT page, ticks FROM {store.Names.FirstSeen} WHERE bot_id = @bot ORDER BY page", botId, cancellationToken: cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            CopyPage(reader, destination.Span, pages);
            read++;
        }

        if (read != pages)
        {
            throw new InvalidDataException($"Bot '{botId}' has {read} first-seen pages for {destination.Length} users; {pages} are needed. The store is damaged.");
        }
    }

    /// <summary>
    /// Records first-seen values set by an append: <paramref name="changes"/> holds the new users (ordinals from
    /// <paramref name="userCount"/> up, every one of them) and the known users whose first-seen moved back.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="connection">The append's connection.</param>
    /// <param name="transaction">The append's transaction.</param>
    /// <param name="botId">The bot.</param>
    /// <param name="userCount">The bot's users before the append.</param>
    /// <param name="newUserCount">The bot's users after it.</param>
    /// <param name="changes">Ordinal and first-seen ticks of every new user and every moved one.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static async Task WriteAsync(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction, string botId, int userCount, int newUserCount, IReadOnlyList<(int Ordinal, long Ticks)> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        // The pages to rewrite, and those of them that exist already (read them, then change them).
        var touched = new SortedDictionary<int, long[]>();
        var stored = PageCount(userCount);
        foreach (var (ordinal, _) in changes)
        {
            var page = ordinal / PageSize;
            if (!touched.ContainsKey(page))
            {
                touched[page] = new long[Math.Min(PageSize, newUserCount - (page * PageSize))];
            }
        }

        var existing = touched.Keys.Where(page => page < stored).ToList();
        if (existing.Count > 0)
        {
            await using var command = store.Command(connection, transaction, $"SELECT page, ticks FROM {store.Names.FirstSeen} WHERE bot_id = @bot AND page {store.InArray("pages")}");
            RelationalInteractionStore.Add(command, "bot", botId);
            store.AddIntArray(command, "pages", existing);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var found = 0;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var page = reader.GetInt32(0);
                var blob = reader.GetFieldValue<byte[]>(1);
                var values = touched[page];
                var length = Math.Min(PageSize, userCount - (page * PageSize));
                if (!TryDecode(blob, values.AsSpan(0, length)))
                {
                    throw new InvalidDataException($"Bot '{botId}' first-seen page {page} ({blob.Length} bytes) does not hold its {length} users. The store is damaged.");
                }

                found++;
            }

            if (found != existing.Count)
            {
                throw new InvalidDataException($"Bot '{botId}' is missing first-seen pages for its {userCount} users. The store is damaged.");
            }
        }

        foreach (var (ordinal, ticks) in changes)
        {
            touched[ordinal / PageSize][ordinal % PageSize] = ticks;
        }

        // The pages below `stored` exist (read above), the others are new: an UPDATE or an INSERT, never an upsert
        // (ON CONFLICT needs a unique index, which a partitioned table with foreign partitions cannot have).
        await using var update = store.Command(connection, transaction, $"UPDATE {store.Names.FirstSeen} SET ticks = @ticks WHERE bot_id = @bot AND page = @page");
        await using var insert = store.Command(connection, transaction, $"INSERT INTO {store.Names.FirstSeen} (bot_id, page, ticks) VALUES (@bot, @page, @ticks)");
        foreach (var command in new[] { update, insert })
        {
            RelationalInteractionStore.Add(command, "bot", botId);
            RelationalInteractionStore.Add(command, "page", 0);
            RelationalInteractionStore.Add(command, "ticks", Array.Empty<byte>());
        }

        foreach (var (page, values) in touched)
        {
            var command = page < stored ? update : insert;
            command.Parameters["page"].Value = page;
            command.Parameters["ticks"].Value = Encode(values);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A page's blob: packed (format 2) when that is shorter than 8 bytes per user, else raw (format 1).</summary>
    public static byte[] Encode(ReadOnlySpan<long> values)
    {
        var raw = values.Length * sizeof(long);
        if (Pack(values) is { } packed && packed.Length < raw)
        {
            return packed;
        }

        var bytes = new byte[raw];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        }

        return bytes;
    }

    /// <summary>Fills <paramref name="values"/> (the page's users) from a page blob; false when the blob does not hold exactly them.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> blob, Span<long> values)
    {
        if (blob.Length == values.Length * sizeof(long))
        {
            MemoryMarshal.Cast<byte, long>(blob).CopyTo(values);
            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(values, values);
            }

            return true;
        }

        return TryUnpack(blob, values);
    }

    // Format 2, or null when a difference does not fit the encoding (values far apart in both directions).
    private static byte[]? Pack(ReadOnlySpan<long> values)
    {
        ulong step = 0;
        long? previous = null;
        foreach (var value in values)
        {
            if (value == long.MaxValue)
            {
                continue;
            }

            if (previous is { } p && value != p)
            {
                var difference = value > p ? (ulong)value - (ulong)p : (ulong)p - (ulong)value;
                if (difference > long.MaxValue / 2)
                {
                    return null;
                }

                step = step == 0 ? difference : Gcd(step, difference);
            }

            previous = value;
        }

        step = Math.Max(step, 1);
        var writer = new ArrayBufferWriter<byte>(16 + (values.Length * 3));
        writer.GetSpan(1)[0] = PackedTag;
        writer.Advance(1);
        ActivitySegment.WriteVarint(writer, step);
        previous = null;
        foreach (var value in values)
        {
            if (value == long.MaxValue)
            {
                ActivitySegment.WriteVarint(writer, 0);
                continue;
            }

            if (previous is not { } p)
            {
                // The first active user: code 1 (a difference of 0), then its value.
                ActivitySegment.WriteVarint(writer, 1);
                BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), value);
                writer.Advance(8);
            }
            else
            {
                var quotient = (value - p) / (long)step;
                ActivitySegment.WriteVarint(writer, ((ulong)(quotient << 1) ^ (ulong)(quotient >> 63)) + 1);
            }

            previous = value;
        }

        return writer.WrittenSpan.ToArray();
    }

    private static bool TryUnpack(ReadOnlySpan<byte> blob, Span<long> values)
    {
        if (blob.IsEmpty || blob[0] != PackedTag)
        {
            return false;
        }

        try
        {
            blob = blob[1..];
            var step = (long)ActivitySegment.ReadVarint(ref blob);
            long? previous = null;
            for (var i = 0; i < values.Length; i++)
            {
                var code = ActivitySegment.ReadVarint(ref blob);
                if (code == 0)
                {
                    values[i] = long.MaxValue;
                    continue;
                }

                if (previous is not { } p)
                {
                    if (code != 1)
                    {
                        return false;
                    }

                    values[i] = BinaryPrimitives.ReadInt64LittleEndian(blob);
                    blob = blob[sizeof(long)..];
                }
                else
                {
                    var zigzag = code - 1;
                    var quotient = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
                    values[i] = p + (quotient * step);
                }

                previous = values[i];
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidDataException)
        {
            return false;
        }

        return blob.IsEmpty;
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static void CopyPage(RowReader reader, Span<long> destination, int pages)
    {
        var page = reader.GetInt32(0);
        var blob = reader.GetBlob(1);
        var start = page * PageSize;
        var length = page >= 0 && page < pages ? Math.Min(PageSize, destination.Length - start) : -1;
        if (length < 0 || !TryDecode(blob, destination.Slice(start, length)))
        {
            throw new InvalidDataException($"First-seen page {page} holds {blob.Length} bytes, which does not fit {destination.Length} users. The store is damaged.");
        }

    }
}
