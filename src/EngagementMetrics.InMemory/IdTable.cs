using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace EngagementMetrics.InMemory;

/// <summary>
/// Ids of one bot (its conversations, its users), numbered densely in order of first appearance: their UTF-8 bytes in
/// an append-only arena of 64 KB pages (a varint length before each), an <c>int</c> offset per ordinal, and an
/// open-addressing table of ordinals (with a byte of each one's hash) keyed on the string hash of each id (kept by
/// ordinal) for the lookup from id to ordinal. About 17 bytes per id plus its UTF-8 length, where a
/// <see cref="Dictionary{TKey, TValue}"/> of strings takes about 100.
/// </summary>
/// <remarks>
/// Written under the store's write gate only. Readers use <see cref="Publish"/>'s immutable view: pages and offsets are
/// never rewritten below a published count, and growing makes new arrays, so a published view stays valid.
/// </remarks>
internal sealed class IdTable
{
    private const int PageBits = 16;
    private const int PageSize = 1 << PageBits;
    private const double MaxLoad = 0.85;
    private byte[][] _pages = [new byte[256]];
    private int _pageCount = 1;
    private int _used;
    private int[] _offsets = new int[16];

    // Each id's string hash (string.GetHashCode: per-process randomised, so ids chosen to collide cannot be prepared in
    // advance), by ordinal. The table is keyed on it, so a lookup hashes the string once (the recent cache needs that
    // hash anyway) and encodes nothing, and a rehash reads neither the arena nor an id. (Keyed on a hash of the UTF-8
    // bytes, as before, a lookup encoded and hashed every id a second time: 8% of a 1M-event append.)
    private int[] _hashes = new int[16];
    private int[] _table = new int[32];

    // The top 8 bits of each table entry's hash: a probe reads an id's bytes in the arena (a cache miss on a large bot)
    // only when they match, so a lookup touches the arena about once instead of once per probe.
    private byte[] _tags = new byte[32];
    private int _limit = (int)(32 * MaxLoad);
    private string?[] _recentIds = new string?[16];
    private int[] _recentOrdinals = new int[16];

    // Each recent id's string hash: an id that is not the one in its slot (a new conversation, a user not seen lately)
    // is told apart by the hash, without reading the slot's string, which was allocated long ago (a cache miss).
    private int[] _recentHashes = new int[16];

    public int Count { get; private set; }

    /// <summary>The ordinal of <paramref name="id"/>, numbering it when it is new.</summary>
    /// <remarks>
    /// A small direct-mapped cache of recent ids (at most 4,096, a quarter of the count) answers the events of the
    /// conversations in progress without touching the table and the arena, which are cache misses on a large bot.
    /// </remarks>
    public int Intern(string id, out bool isNew) => Intern(id, id.GetHashCode(), out isNew);

    /// <summary>
    /// Starts fetching the table slot of an id that the recent cache will not answer, given its hash
    /// (<c>id.GetHashCode()</c>), for an <see cref="Intern(string, int, out bool)"/> a few events later: on a large bot
    /// (a million conversations) that slot is a cache miss, and this overlaps its wait with the events in between.
    /// </summary>
    public unsafe void Prefetch(int code)
    {
        if (Sse.IsSupported && _recentHashes[code & (_recentHashes.Length - 1)] != code)
        {
            var pos = Home((uint)code, _table.Length);
            Sse.Prefetch0(Unsafe.AsPointer(ref _table[pos]));
            Sse.Prefetch0(Unsafe.AsPointer(ref _tags[pos]));
        }
    }

    /// <summary>The ordinal of <paramref name="id"/>, numbering it when it is new; <paramref name="code"/> is its <c>GetHashCode</c>.</summary>
    public int Intern(string id, int code, out bool isNew)
    {
        var recent = code & (_recentIds.Length - 1);
        if (IsRecent(recent, id, code))
        {
            isNew = false;
            return _recentOrdinals[recent];
        }

        var ordinal = Lookup(id, code, insert: true, out isNew);
        if (Count > _recentIds.Length * 4 && _recentIds.Length < 4096)
        {
            _recentIds = new string?[_recentIds.Length * 2];
            _recentOrdinals = new int[_recentIds.Length];
            _recentHashes = new int[_recentIds.Length];
            recent = code & (_recentIds.Length - 1);
        }

        _recentIds[recent] = id;
        _recentOrdinals[recent] = ordinal;
        _recentHashes[recent] = code;
        return ordinal;
    }

    /// <summary>The ordinal of <paramref name="id"/> if it is numbered.</summary>
    public bool TryFind(string id, out int ordinal)
    {
        var code = id.GetHashCode();
        var recent = code & (_recentIds.Length - 1);
        if (IsRecent(recent, id, code))
        {
            ordinal = _recentOrdinals[recent];
            return true;
        }

        ordinal = Lookup(id, code, insert: false, out _);
        return ordinal >= 0;
    }

    // The reader hands out one instance per value, so a recent id is usually the very string in its slot.
    private bool IsRecent(int slot, string id, int code) =>
        _recentIds[slot] is { } cached && (ReferenceEquals(cached, id) || (_recentHashes[slot] == code && string.Equals(cached, id, StringComparison.Ordinal)));

    private int Lookup(string id, int code, bool insert, out bool isNew)
    {
        var hash = (uint)code;
        var tag = (byte)hash;
        var pos = Home(hash, _table.Length);
        while (_table[pos] != 0)
        {
            var ordinal = _table[pos] - 1;
            if (_tags[pos] == tag && Same(Bytes(_pages, _offsets[ordinal]), id))
            {
                isNew = false;
                return ordinal;
            }

            pos = pos + 1 == _table.Length ? 0 : pos + 1;
        }

        if (!insert)
        {
            isNew = false;
            return -1;
        }

        isNew = true;
        var added = Count;
        if (added == _offsets.Length)
        {
            Array.Resize(ref _offsets, added + (added >> 2));
            Array.Resize(ref _hashes, _offsets.Length);
        }

        _offsets[added] = Append(id);
        _hashes[added] = code;
        _table[pos] = added + 1;
        _tags[pos] = tag;
        Count = added + 1;
        if (Count > _limit)
        {
            Rehash();
        }

        return added;
    }

    // An id's UTF-8 bytes against a string: UTF-8 never takes fewer bytes than UTF-16 takes characters, and as many only
    // for ASCII, so equal lengths compare as ASCII and a longer encoding is compared encoded (rare: non-ASCII ids).
    private static bool Same(ReadOnlySpan<byte> utf8, string id)
    {
        if (utf8.Length == id.Length)
        {
            return System.Text.Ascii.Equals(utf8, id);
        }

        if (utf8.Length < id.Length || utf8.Length > Encoding.UTF8.GetMaxByteCount(id.Length) || Encoding.UTF8.GetByteCount(id) != utf8.Length)
        {
            return false;
        }

        byte[]? rented = null;
        var buffer = utf8.Length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(utf8.Length));
        var same = utf8.SequenceEqual(buffer[..Encoding.UTF8.GetBytes(id, buffer)]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return same;
    }

    /// <summary>An immutable view of the ids numbered so far.</summary>
    public View Publish() => new(_pages.AsSpan(0, _pageCount).ToArray(), _offsets, Count);

    /// <summary>Bytes held (for documentation and tests).</summary>
    public long ByteCount => (_pageCount * (long)PageSize) + (_offsets.Length * 8L) + (_table.Length * 5L);

    private int Append(string id)
    {
        var max = Encoding.UTF8.GetMaxByteCount(id.Length);
        byte[]? rented = null;
        var buffer = max <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var offset = Append(buffer[..Encoding.UTF8.GetBytes(id, buffer)]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return offset;
    }

    private int Append(ReadOnlySpan<byte> bytes)
    {
        Span<byte> prefix = stackalloc byte[5];
        var prefixLength = VarInt.Write(prefix, (uint)bytes.Length);
        var needed = prefixLength + bytes.Length;
        var page = _pages[_pageCount - 1];
        if (_used + needed > page.Length)
        {
            if (_used + needed <= PageSize)
            {
                // The first page starts small and doubles, so a bot with few conversations holds little.
                Array.Resize(ref page, Math.Min(PageSize, Math.Max(page.Length * 2, _used + needed)));
                _pages[_pageCount - 1] = page;
            }
            else
            {
                if (_pageCount == _pages.Length)
                {
                    Array.Resize(ref _pages, _pages.Length * 2);
                }

                page = new byte[PageSize];
                _pages[_pageCount++] = page;
                _used = 0;
            }
        }

        var offset = ((_pageCount - 1) << PageBits) | _used;
        prefix[..prefixLength].CopyTo(page.AsSpan(_used));
        bytes.CopyTo(page.AsSpan(_used + prefixLength));
        _used += needed;
        return offset;
    }

    private void Rehash()
    {
        var length = (int)(_table.Length * 1.3);
        var table = new int[length];
        var tags = new byte[length];
        for (var ordinal = 0; ordinal < Count; ordinal++)
        {
            var hash = (uint)_hashes[ordinal];
            var pos = Home(hash, length);
            while (table[pos] != 0)
            {
                pos = pos + 1 == length ? 0 : pos + 1;
            }

            table[pos] = ordinal + 1;
            tags[pos] = (byte)hash;
        }

        _table = table;
        _tags = tags;
        _limit = (int)(length * MaxLoad);
    }

    private static ReadOnlySpan<byte> Bytes(byte[][] pages, int offset)
    {
        var page = pages[offset >>> PageBits];
        var at = offset & (PageSize - 1);

        // Ids under 128 bytes (nearly all) have a one-byte length.
        var first = page[at];
        var length = first < 0x80 ? first : (int)VarInt.Read(page, ref at);
        return page.AsSpan(first < 0x80 ? at + 1 : at, length);
    }

    private static int Home(uint hash, int length) => (int)(((ulong)hash * (ulong)length) >> 32);

    /// <summary>The ids of a published state.</summary>
    internal sealed class View(byte[][] pages, int[] offsets, int count)
    {
        public int Count => count;

        public string this[int ordinal] =>
            (uint)ordinal < (uint)count ? Encoding.UTF8.GetString(Bytes(pages, offsets[ordinal])) : throw new ArgumentOutOfRangeException(nameof(ordinal));
    }
}

/// <summary>
/// The facts of every conversation of a bot (<see cref="Storage.ConversationFacts"/>), one byte each, in pages of 4,096
/// copied on write: a page a published view holds is cloned before a fact below the published count changes, so a view
/// never sees a fact set after it was published. About one byte per conversation.
/// </summary>
internal sealed class ConversationFactPages
{
    private const int PageBits = 12;
    private const int PageSize = 1 << PageBits;
    private byte[][] _pages = [];
    private bool[] _owned = [];
    private int _pageCount;
    private int _published;

    /// <summary>Makes room for conversation <paramref name="ordinal"/> (new conversations come in order).</summary>
    public void Add(int ordinal)
    {
        var page = ordinal >> PageBits;
        if (page < _pageCount)
        {
            return;
        }

        if (page == _pages.Length)
        {
            Array.Resize(ref _pages, Math.Max(4, _pages.Length * 2));
            Array.Resize(ref _owned, _pages.Length);
        }

        // The first page starts small, so a bot with few conversations holds little.
        _pages[page] = new byte[page == 0 ? 64 : PageSize];
        _owned[page] = true;
        _pageCount = page + 1;
    }

    public void Set(int ordinal, Storage.ConversationFacts fact)
    {
        var p = ordinal >> PageBits;
        var at = ordinal & (PageSize - 1);
        var page = _pages[p];
        if (at < page.Length && (page[at] & (byte)fact) != 0)
        {
            return;
        }

        if (at >= page.Length)
        {
            // The small first page grows: a new array, published views keep the old one.
            Array.Resize(ref page, Math.Min(PageSize, Math.Max(page.Length * 2, at + 1)));
            _pages[p] = page;
            _owned[p] = true;
        }
        else if (!_owned[p] && ordinal < _published)
        {
            page = (byte[])page.Clone();
            _pages[p] = page;
            _owned[p] = true;
        }

        page[at] |= (byte)fact;
    }

    /// <summary>A view of the first <paramref name="count"/> conversations' facts; from now on their pages are shared.</summary>
    public View Publish(int count)
    {
        Array.Clear(_owned, 0, _pageCount);
        _published = count;
        return new View(_pages.AsSpan(0, _pageCount).ToArray(), count);
    }

    public long ByteCount
    {
        get
        {
            long bytes = _pages.Length * 9L;
            for (var p = 0; p < _pageCount; p++)
            {
                bytes += _pages[p].Length;
            }

            return bytes;
        }
    }

    /// <summary>The facts of a published state.</summary>
    internal sealed class View(byte[][] pages, int count)
    {
        public void CopyTo(Span<Storage.ConversationFacts> destination)
        {
            for (var i = 0; i < count; i += PageSize)
            {
                var page = pages[i >> PageBits];
                var n = Math.Min(PageSize, count - i);
                for (var k = 0; k < n; k++)
                {
                    destination[i + k] = k < page.Length ? (Storage.ConversationFacts)page[k] : Storage.ConversationFacts.None;
                }
            }
        }
    }
}

/// <summary>LEB128 variable-length integers (7 bits per byte, low first) and zig-zag signed values.</summary>
internal static class VarInt
{
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static ulong Read(ReadOnlySpan<byte> source, ref int position)
    {
        ulong value = 0;
        var shift = 0;
        while (true)
        {
            var b = source[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }

            shift += 7;
        }
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
