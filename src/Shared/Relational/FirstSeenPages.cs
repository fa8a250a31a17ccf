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
internal static class FirstSeenPages
{
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
                if (blob.Length != length * sizeof(long))
                {
                    throw new InvalidDataException($"Bot '{botId}' first-seen page {page} holds {blob.Length} bytes; {length * sizeof(long)} were expected. The store is damaged.");
                }

                Decode(blob, values.AsSpan(0, length));
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

        await using var upsert = store.Command(
            connection,
            transaction,
            $"INSERT INTO {store.Names.FirstSeen} (bot_id, page, ticks) VALUES (@bot, @page, @ticks) ON CONFLICT (bot_id, page) DO UPDATE SET ticks = excluded.ticks");
        RelationalInteractionStore.Add(upsert, "bot", botId);
        RelationalInteractionStore.Add(upsert, "page", 0);
        RelationalInteractionStore.Add(upsert, "ticks", Array.Empty<byte>());
        foreach (var (page, values) in touched)
        {
            upsert.Parameters["page"].Value = page;
            upsert.Parameters["ticks"].Value = Encode(values);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static byte[] Encode(ReadOnlySpan<long> values)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        }

        return bytes;
    }

    public static void Decode(ReadOnlySpan<byte> blob, Span<long> values)
    {
        MemoryMarshal.Cast<byte, long>(blob).CopyTo(values);
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(values, values);
        }
    }

    private static void CopyPage(RowReader reader, Span<long> destination, int pages)
    {
        var page = reader.GetInt32(0);
        var blob = reader.GetBlob(1);
        var start = page * PageSize;
        var length = page >= 0 && page < pages ? Math.Min(PageSize, destination.Length - start) : -1;
        if (length < 0 || blob.Length != length * sizeof(long))
        {
            throw new InvalidDataException($"First-seen page {page} holds {blob.Length} bytes, which does not fit {destination.Length} users. The store is damaged.");
        }

        Decode(blob, destination.Slice(start, length));
    }
}
