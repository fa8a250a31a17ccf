using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;

namespace EngagementMetrics.InMemory;

/// <summary>
/// 128-bit fingerprints of event ids under a random key of the store: SipHash-2-4 with its 128-bit output
/// (Aumasson and Bernstein; the reference's <c>siphash(..., outlen = 16)</c>), over the id's UTF-8 bytes, so an id read
/// from JSON as bytes (<see cref="Events.EventColumns.TryGetEventIdUtf8"/>) and the same id given as a string get the
/// same fingerprint without the bytes ever becoming a string. (Validated ids hold no lone surrogate, so their UTF-8
/// form is exact: two different ids never share one.)
/// </summary>
/// <remarks>
/// SipHash is a keyed pseudorandom function: without the key, which never leaves the process, nobody can choose ids
/// that collide. <see cref="FingerprintSet"/> keeps 96 of the 128 bits: two different ids of one bot share them with
/// probability 2^-96 per pair, so among n ids of one bot the chance of any collision is below n^2 / 2^97: about 6 in
/// 10^14 for 10^8 events, 6 in 10^10 for 10^10.
/// The BCL has no keyed 128-bit hash (System.IO.Hashing's XxHash128 is neither keyed nor on this project's package
/// feed), hence this implementation, checked against the reference's test vectors.
/// </remarks>
internal readonly struct EventIdFingerprints
{
    private readonly ulong _k0;
    private readonly ulong _k1;

    public EventIdFingerprints(ulong k0, ulong k1)
    {
        _k0 = k0;
        _k1 = k1;
    }

    /// <summary>A fresh random key from the operating system's generator.</summary>
    public static EventIdFingerprints CreateRandom()
    {
        Span<byte> key = stackalloc byte[16];
        RandomNumberGenerator.Fill(key);
        return new EventIdFingerprints(BinaryPrimitives.ReadUInt64LittleEndian(key), BinaryPrimitives.ReadUInt64LittleEndian(key[8..]));
    }

    /// <summary>The fingerprint of an event id.</summary>
    public UInt128 Of(string eventId)
    {
        // Ids are at most 1,024 UTF-16 code units, so at most 3,072 UTF-8 bytes.
        var max = Encoding.UTF8.GetMaxByteCount(eventId.Length);
        byte[]? rented = null;
        var buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        var fingerprint = Of(buffer[..Encoding.UTF8.GetBytes(eventId, buffer)]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return fingerprint;
    }

    /// <summary>The fingerprint of an event id given as its UTF-8 bytes (the same as <see cref="Of(string)"/> of its text).</summary>
    public UInt128 Of(ReadOnlySpan<byte> eventIdUtf8) => SipHash128(_k0, _k1, eventIdUtf8);

    /// <summary>SipHash-2-4 with 128-bit output; bytes 0-7 of the reference's output are the low half.</summary>
    public static UInt128 SipHash128(ulong k0, ulong k1, ReadOnlySpan<byte> data)
    {
        var v0 = 0x736f6d6570736575UL ^ k0;
        var v1 = 0x646f72616e646f6dUL ^ k1 ^ 0xee;
        var v2 = 0x6c7967656e657261UL ^ k0;
        var v3 = 0x7465646279746573UL ^ k1;
        var end = data.Length & ~7;
        for (var i = 0; i < end; i += 8)
        {
            var m = BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        var b = (ulong)data.Length << 56;
        for (var j = data.Length - end - 1; j >= 0; j--)
        {
            b |= (ulong)data[end + j] << (8 * j);
        }

        v3 ^= b;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= b;
        v2 ^= 0xee;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        var low = v0 ^ v1 ^ v2 ^ v3;
        v1 ^= 0xdd;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        var high = v0 ^ v1 ^ v2 ^ v3;
        return new UInt128(high, low);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}

/// <summary>
/// The set of event-id fingerprints of one bot, 96 bits of each: about 17.5 bytes per id (12 for the fingerprint, in
/// tables kept 57% to 85% full), fast to add to at any size, in native memory.
/// </summary>
/// <remarks>
/// <para>Layout: extendible hashing over small open-addressing tables. A directory indexed by the top bits of the
/// fingerprint points to shards; each shard covers the fingerprints with a given prefix of its own depth and holds them
/// in buckets of 8 slots (96 bytes) with linear probing, its home bucket being the bits after the prefix scaled to the
/// bucket count.</para>
/// <para><b>Ordered.</b> A shard keeps its entries in fingerprint order (ordered linear probing: an insert shifts the
/// rest of its run of taken slots one place to make room). The home bucket grows with the fingerprint, so every entry
/// still lies at or after its home with only taken slots in between, and: a lookup stops at the first larger entry, not
/// only at a free slot, which cuts the probes of new ids (the common case) at high load; growing or splitting a shard is
/// one sequential pass over its slots, with no sorting; and an entry can be removed anywhere by shifting its run's
/// displaced entries back (<see cref="Undo"/>).</para>
/// <para>Growth stays local: a shard more than 85% full is rebuilt half as large again, and one that would pass 680
/// buckets (64 KB, so it stays in the processor's cache) splits in two by the next bit of the prefix instead, each half
/// at a point of the growth cycle of its own (57% to 85% full). No operation ever touches more than one shard's 64 KB,
/// and shards fill up at different moments, so the whole set is about 69% full on average whatever its size. (At 97%,
/// as once, the runs of taken slots an insert walks and shifts grew to about 60 slots; at 93% they were a third of
/// that, and an insert into a set of 10M took 146 ns; at 85%, 118 ns with the same prefetching, for 1.5 bytes more per
/// id. Growing by 15% instead of half kept the set 87% full, 19 bytes per id with 16-byte entries, but allocated
/// seven times the set's size on the way instead of three.)</para>
/// <para><b>Native memory.</b> The tables are allocated with <see cref="NativeMemory"/>, freed when outgrown, and by
/// the finalizer once the set is unreachable. The churn of outgrown tables (three times the set's final size) on the
/// garbage-collected heap started a full background collection every few batches, each marking the whole heap; the
/// native allocator reuses them at once and the collector never sees them. <see cref="NativeBytes"/> counts them for
/// the documentation's memory figures.</para>
/// <para>Each shard has spare buckets past its last home, the very last always empty; an insert that would need it grows
/// the shard. The all-zero value marks an empty slot; a fingerprint that is zero is stored as one (a 2^-96 event).</para>
/// <para>Not thread-safe: used under the store's write gate only (readers never look at event ids).</para>
/// </remarks>
internal sealed class FingerprintSet
{
    private const int BucketSlots = 8;
    private const int MaxShardBuckets = 680;
    private const double MaxLoad = 0.85;
    private const double Growth = 1.5;
    private Shard[] _directory = [new Shard(0, 4)];
    private int _depth;

    /// <summary>Frees the tables once the set is unreachable (they are native memory; see the remarks).</summary>
    ~FingerprintSet()
    {
        Shard? previous = null;
        foreach (var shard in _directory ?? [])
        {
            if (shard != previous)
            {
                shard.Free();
                previous = shard;
            }
        }
    }

    /// <summary>Bytes of every set's tables now allocated in this process (they are outside the garbage-collected heap).</summary>
    public static long NativeBytes => Interlocked.Read(ref s_nativeBytes);

    private static long s_nativeBytes;

    public int Count { get; private set; }

    /// <summary>Changes whenever entries move between tables (a shard grows or splits); kept for callers of <see cref="Undo"/>.</summary>
    public int Generation { get; private set; }

    /// <summary>Bytes held by the tables and the directory (for documentation and tests).</summary>
    public long Bytes
    {
        get
        {
            long bytes = _directory.Length * 8L;
            Shard? previous = null;
            foreach (var shard in _directory)
            {
                if (shard != previous)
                {
                    bytes += (shard.Slots.Length * (long)Unsafe.SizeOf<Entry>()) + 48;
                    previous = shard;
                }
            }

            GC.KeepAlive(this);
            return bytes;
        }
    }

    // Every method that reads a table keeps the set reachable to its end (GC.KeepAlive): the tables are native memory
    // its finalizer frees, and a span over one does not keep the set alive by itself.
    public bool Contains(UInt128 fingerprint)
    {
        var (hi, lo) = Split(fingerprint);
        var found = _directory[Prefix(hi, _depth)].Find(hi, lo) >= 0;
        GC.KeepAlive(this);
        return found;
    }

    /// <summary>
    /// Adds fingerprints in order; <paramref name="added"/>[i] is false when <paramref name="fingerprints"/>[i] was
    /// already there (stored before, or earlier in the span).
    /// </summary>
    /// <remarks>
    /// A large set is far bigger than the processor's caches, so each add waits for memory. Adding a span lets the
    /// bucket of the fingerprint a few places ahead be fetched while the current one is added, so those waits overlap.
    /// </remarks>
    public void AddRange(ReadOnlySpan<UInt128> fingerprints, Span<bool> added)
    {
        const int Ahead = 8;
        for (var i = 0; i < fingerprints.Length; i++)
        {
            if (i + Ahead < fingerprints.Length)
            {
                Prefetch(fingerprints[i + Ahead]);
            }

            added[i] = Add(fingerprints[i]);
        }

        GC.KeepAlive(this);
    }

    private unsafe void Prefetch(UInt128 fingerprint)
    {
        if (Sse.IsSupported)
        {
            var hi = (ulong)(fingerprint >> 64);
            var shard = _directory[Prefix(hi, _depth)];

            // Three cache lines: the home bucket (96 bytes, over two lines) and the next, where a run of taken slots
            // goes on and where an insert looks for the run's end (the hottest loop of an insert). Measured over 10M
            // random adds: about 115 ns each with one line, 107 with two, 97 with three; four or five gained little. (A
            // shard has two spare buckets past its last home, so the three lines are all its own.)
            var home = (byte*)Unsafe.AsPointer(ref shard.Slots[shard.Home(hi) * BucketSlots]);
            Sse.Prefetch0(home);
            Sse.Prefetch0(home + 64);
            Sse.Prefetch0(home + 128);
        }
    }

    /// <summary>Adds a fingerprint; false when it was already there.</summary>
    public bool Add(UInt128 fingerprint)
    {
        var added = AddCore(fingerprint);
        GC.KeepAlive(this);
        return added;
    }

    private bool AddCore(UInt128 fingerprint)
    {
        var (hi, lo) = Split(fingerprint);
        while (true)
        {
            var shard = _directory[Prefix(hi, _depth)];
            if (shard.Count < shard.Limit)
            {
                switch (shard.TryInsert(hi, lo))
                {
                    case Inserted.Added:
                        shard.Count++;
                        Count++;
                        return true;
                    case Inserted.Present:
                        return false;
                }
            }
            else if (shard.Find(hi, lo) >= 0)
            {
                return false;
            }

            Enlarge(shard);
        }
    }

    /// <summary>
    /// Removes fingerprints added since <paramref name="generation"/> was read, given newest first (a rolled-back
    /// append). Each is removed where it lies, its run closed up behind it, so the set is exactly as if it had never
    /// been added (growth and splits since then are kept; they change no answer).
    /// </summary>
    public void Undo(IReadOnlyList<UInt128> addedNewestFirst, int generation)
    {
        _ = generation;
        foreach (var fingerprint in addedNewestFirst)
        {
            var (hi, lo) = Split(fingerprint);
            if (_directory[Prefix(hi, _depth)].Remove(hi, lo))
            {
                Count--;
            }
        }

        GC.KeepAlive(this);
    }

    // Grows a full shard by half, or splits it in two when it would pass the size limit.
    private void Enlarge(Shard shard)
    {
        Generation++;
        var buckets = Math.Max(shard.Buckets + 1, (int)(shard.Buckets * Growth));
        if (buckets <= MaxShardBuckets)
        {
            shard.Rebuild(buckets);
            return;
        }

        if (shard.Depth == _depth)
        {
            var doubled = new Shard[_directory.Length * 2];
            for (var i = 0; i < doubled.Length; i++)
            {
                doubled[i] = _directory[i >> 1];
            }

            _directory = doubled;
            _depth++;
        }

        // Halves of equal size would fill, grow and split in step with every other shard (fingerprints are uniform),
        // and the whole set would swing between 57% and 85% full together. Each half instead starts at its own point
        // of the growth cycle, drawn from the fingerprints themselves (uniform in log scale between 57% and 85% full),
        // so at any moment the shards are spread over the cycle and the set is about 69% full on average.
        var some = default(Entry);
        foreach (var e in shard.Slots)
        {
            if (!e.IsEmpty)
            {
                some = e;
                break;
            }
        }

        // The smallest entry's bits just after the prefix are nearly zero: mixed (multiplied by odd constants) so
        // that every bit of the seed depends on all of them.
        var bits = some.Hi ^ ((ulong)some.Lo << 32) ^ some.Lo;
        var zero = new Shard(shard.Depth + 1, StaggeredBuckets(shard.Count / 2, bits * 0x9E3779B97F4A7C15UL), allocate: false);
        var one = new Shard(shard.Depth + 1, StaggeredBuckets(shard.Count / 2, bits * 0xC2B2AE3D27D4EB4FUL), allocate: false);

        // In fingerprint order the entries whose next bit is 0 all come before those whose bit is 1.
        var bit = 63 - shard.Depth;
        var entries = ArrayPool<Entry>.Shared.Rent(shard.Count);
        var n = 0;
        foreach (var e in shard.Slots)
        {
            if (!e.IsEmpty)
            {
                entries[n++] = e;
            }
        }

        var zeros = 0;
        while (zeros < n && ((entries[zeros].Hi >> bit) & 1) == 0)
        {
            zeros++;
        }

        try
        {
            zero.Build(entries.AsSpan(0, zeros));
            one.Build(entries.AsSpan(zeros, n - zeros));
        }
        catch
        {
            // Out of memory for a half: the old shard stays in place, whole; nothing of the halves is kept.
            zero.Free();
            one.Free();
            throw;
        }
        finally
        {
            ArrayPool<Entry>.Shared.Return(entries);
        }

        // The directory entries of the old shard: the first half now point to 'zero', the second to 'one'.
        var span = 1 << (_depth - shard.Depth);
        var first = Prefix(shard.Slots.Length > 0 ? PrefixOf(shard) : 0, _depth);
        for (var i = 0; i < span; i++)
        {
            _directory[first + i] = i < span / 2 ? zero : one;
        }

        shard.Free();
    }

    // Some fingerprint of the shard's prefix, to find its directory entries (the shard is never empty when split).
    private static ulong PrefixOf(Shard shard)
    {
        foreach (var e in shard.Slots)
        {
            if (!e.IsEmpty)
            {
                return shard.Depth == 0 ? 0 : e.Hi & ~(ulong.MaxValue >> shard.Depth);
            }
        }

        return 0;
    }

    private static int StaggeredBuckets(int entries, ulong random)
    {
        var phase = (random >> 11) * (1.0 / (1UL << 53));
        return Math.Max(4, (int)Math.Ceiling(entries / (BucketSlots * MaxLoad) * Math.Pow(Growth, phase)));
    }

    private static int Prefix(ulong hi, int depth) => depth == 0 ? 0 : (int)(hi >> (64 - depth));

    // The 96 bits kept: the high half and the low 32 bits of the low half.
    private static (ulong Hi, uint Lo) Split(UInt128 fingerprint)
    {
        var hi = (ulong)(fingerprint >> 64);
        var lo = (uint)fingerprint;
        return hi == 0 && lo == 0 ? (0, 1) : (hi, lo);
    }

    private enum Inserted
    {
        Added,
        Present,
        NoRoom,
    }

    /// <summary>One open-addressing table, in fingerprint order: the fingerprints with the shard's prefix of <see cref="Depth"/> bits.</summary>
    private sealed unsafe class Shard
    {
        private Entry* _slots;
        private int _length;

        public Shard(int depth, int buckets, bool allocate = true)
        {
            Depth = depth;
            Buckets = buckets;
            if (allocate)
            {
                var length = (buckets + 2) * BucketSlots;
                _slots = Allocate(length);
                _length = length;
                Slots.Clear();
            }

            Limit = (int)(buckets * BucketSlots * MaxLoad);
        }

        public int Depth { get; }

        public int Buckets { get; private set; }

        /// <summary>The table: native memory of this shard alone, valid until <see cref="Free"/> or the next rebuild.</summary>
        public Span<Entry> Slots => new(_slots, _length);

        public int Limit { get; private set; }

        public int Count { get; set; }

        // The bits after the prefix, scaled to the bucket count: never smaller for a larger fingerprint of the shard.
        public int Home(ulong hi) => (int)Math.BigMul(hi << Depth, (ulong)Buckets, out _);

        /// <summary>The slot holding (hi, lo), or -1.</summary>
        public int Find(ulong hi, uint lo)
        {
            var slots = Slots;
            for (var i = Home(hi) * BucketSlots; ; i++)
            {
                ref readonly var e = ref slots[i];
                if (e.IsEmpty || e.Hi > hi || (e.Hi == hi && e.Lo > lo))
                {
                    return -1;
                }

                if (e.Hi == hi && e.Lo == lo)
                {
                    return i;
                }
            }
        }

        public Inserted TryInsert(ulong hi, uint lo)
        {
            var slots = Slots;
            var last = slots.Length - BucketSlots;
            var at = Home(hi) * BucketSlots;

            // Past the smaller entries of the run to the insertion point.
            while (true)
            {
                ref readonly var e = ref slots[at];
                if (e.IsEmpty || e.Hi > hi || (e.Hi == hi && e.Lo > lo))
                {
                    break;
                }

                if (e.Hi == hi && e.Lo == lo)
                {
                    return Inserted.Present;
                }

                at++;
            }

            // The run's end: its larger entries move one slot on. The last bucket stays empty.
            var free = at;
            while (!slots[free].IsEmpty)
            {
                free++;
            }

            if (free >= last)
            {
                return Inserted.NoRoom;
            }

            // A loop, not Span.CopyTo: an overlapping copy goes to the C library's memmove through a native call,
            // which costs more than moving the few entries of a typical run.
            for (var k = free; k > at; k--)
            {
                slots[k] = slots[k - 1];
            }

            slots[at] = new Entry(hi, lo);
            return Inserted.Added;
        }

        /// <summary>Removes (hi, lo) if present, moving the displaced entries after it back one slot each.</summary>
        public bool Remove(ulong hi, uint lo)
        {
            var at = Find(hi, lo);
            if (at < 0)
            {
                return false;
            }

            var slots = Slots;
            var hole = at;
            for (var next = at + 1; !slots[next].IsEmpty && Home(slots[next].Hi) * BucketSlots <= hole; next++)
            {
                slots[hole] = slots[next];
                hole = next;
            }

            slots[hole] = default;
            Count--;
            return true;
        }

        /// <summary>Grows the table to <paramref name="buckets"/> buckets, keeping its entries (one pass: they are in order).</summary>
        public void Rebuild(int buckets)
        {
            var old = _slots;
            var oldLength = _length;
            var oldBuckets = Buckets;
            Buckets = buckets;
            try
            {
                Place(new ReadOnlySpan<Entry>(old, oldLength), Count);
            }
            catch
            {
                // Out of memory: the old table, which Place did not replace, keeps its bucket count.
                Buckets = oldBuckets;
                throw;
            }

            Release(old, oldLength);
        }

        /// <summary>Gives the table back to the operating system's allocator; the shard is not used again.</summary>
        public void Free()
        {
            var old = _slots;
            var oldLength = _length;
            _slots = null;
            _length = 0;
            Release(old, oldLength);
        }

        private static Entry* Allocate(int length)
        {
            var bytes = (nuint)length * (nuint)sizeof(Entry);
            var table = (Entry*)NativeMemory.Alloc(bytes);
            Interlocked.Add(ref s_nativeBytes, (long)bytes);
            return table;
        }

        private static void Release(Entry* table, int length)
        {
            if (table is not null)
            {
                NativeMemory.Free(table);
                Interlocked.Add(ref s_nativeBytes, -(length * (long)sizeof(Entry)));
            }
        }

        /// <summary>Fills a new table of <see cref="Buckets"/> buckets with distinct entries given in fingerprint order.</summary>
        public void Build(ReadOnlySpan<Entry> entries) => Place(entries, entries.Length);

        // Each entry goes to its home or right after the previous one, whichever is later: entries come in fingerprint
        // order, so homes never decrease and every slot between an entry's home and its place is taken, as probing
        // requires. Entries pushed past the last home go to spare buckets after it; the very last bucket stays empty.
        private void Place(ReadOnlySpan<Entry> source, int count)
        {
            // Not cleared by the allocator: this one pass writes every slot, the entries and the empty slots between
            // them, instead of a second pass over a cleared table.
            var length = (Buckets + 2) * BucketSlots;
            var table = Allocate(length);
            var slots = new Span<Entry>(table, length);
            var next = 0;
            foreach (var e in source)
            {
                if (e.IsEmpty)
                {
                    continue;
                }

                var at = Math.Max(Home(e.Hi) * BucketSlots, next);
                if (at >= slots.Length - BucketSlots)
                {
                    // Rare: the last run passes the end. Room for it, and again an empty last bucket (the table so far
                    // is given back if there is no memory for it).
                    Entry* larger;
                    try
                    {
                        larger = Allocate(length + (2 * BucketSlots));
                    }
                    catch
                    {
                        Release(table, length);
                        throw;
                    }

                    slots[..next].CopyTo(new Span<Entry>(larger, length + (2 * BucketSlots)));
                    Release(table, length);
                    table = larger;
                    length += 2 * BucketSlots;
                    slots = new Span<Entry>(table, length);
                }

                for (var gap = next; gap < at; gap++)
                {
                    slots[gap] = default;
                }

                slots[at] = e;
                next = at + 1;
            }

            slots[next..].Clear();
            _slots = table;
            _length = length;
            Count = count;
            Limit = (int)(Buckets * BucketSlots * MaxLoad);
        }
    }

    // 12 bytes: packed to 4 so an array of them has no padding (x64 reads an unaligned 8-byte field at full speed).
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly struct Entry(ulong hi, uint lo)
    {
        public readonly ulong Hi = hi;
        public readonly uint Lo = lo;

        public bool IsEmpty => (Hi | Lo) == 0;
    }
}
