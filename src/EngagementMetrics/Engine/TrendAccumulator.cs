using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Engine;

/// <summary>
/// The single pass behind every trend: fed time-ordered activity batches, it counts unique, new and returning users
/// per bucket and for the whole period.
/// </summary>
/// <remarks>
/// <para>Per-user state is one pooled <c>int</c> (the last bucket the user was counted in), so a user is counted once per
/// bucket without any set or dictionary; buckets never decrease along time-ordered input (see
/// <see cref="BucketPlan.Monotonic"/>). A user is new in bucket B when their first-seen instant is at or after B's first
/// instant: first seen is never later than the event being counted, so that is exactly "first seen lies in B".</para>
/// <para>Nothing is allocated per event. Per query: the pooled user array, and the count arrays that become the result.</para>
/// <para>For the rare non-monotonic plan (a zone whose clock moved back across a bucket boundary) an exact, slower
/// path dedupes with a set instead.</para>
/// </remarks>
internal sealed class TrendAccumulator : IDisposable
{
    private readonly BucketPlan _plan;
    private readonly ReadOnlyMemory<long> _firstSeen;
    private readonly int[] _lastBucket;
    private readonly HashSet<long>? _seenPairs;
    private readonly HashSet<int>? _seenUsers;
    private Cursor _cursor;
    private int _periodUnique;
    private int _periodNew;

    public TrendAccumulator(BucketPlan plan, int userCount, ReadOnlyMemory<long> firstSeen)
    {
        _plan = plan;
        _firstSeen = firstSeen;
        Unique = new int[plan.BucketCount];
        New = new int[plan.BucketCount];
        _lastBucket = ArrayPool<int>.Shared.Rent(Math.Max(1, userCount));
        _lastBucket.AsSpan(0, userCount).Fill(-1);
        if (!plan.Monotonic)
        {
            _seenPairs = [];
            _seenUsers = [];
        }

        _cursor = new Cursor(plan);
    }

    public int[] Unique { get; }

    public int[] New { get; }

    public int PeriodUnique => _periodUnique;

    public int PeriodNew => _periodNew;

    public void Add<TFilter>(in ActivityBatch batch, TFilter filter)
        where TFilter : struct, IActivityFilter
    {
        if (_seenPairs is null)
        {
            AddMonotonic(batch.UtcTicks.Span, batch.Users.Span, batch.Channels.Span, batch.Conversations.Span, filter);
        }
        else
        {
            AddExact(batch.UtcTicks.Span, batch.Users.Span, batch.Channels.Span, batch.Conversations.Span, filter);
        }
    }

    public void Dispose() => ArrayPool<int>.Shared.Return(_lastBucket);

    private void AddMonotonic<TFilter>(ReadOnlySpan<long> ticks, ReadOnlySpan<int> users, ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, TFilter filter)
        where TFilter : struct, IActivityFilter
    {
        if (users.Length != ticks.Length)
        {
            throw new ArgumentException("Activity columns differ in length.", nameof(users));
        }

        var lastBucket = _lastBucket;
        var firstSeen = _firstSeen.Span;
        var unique = Unique;
        var news = New;
        var periodStart = _plan.ScanFromUtcTicks;
        var periodUnique = _periodUnique;
        var periodNew = _periodNew;
        var bucket = _cursor.Bucket;
        var nextRunStart = _cursor.NextRunStart;
        var bucketStart = _cursor.BucketStart;
        ref var tick0 = ref MemoryMarshal.GetReference(ticks);
        ref var user0 = ref MemoryMarshal.GetReference(users);

        for (var i = 0; i < ticks.Length; i++)
        {
            var t = Unsafe.Add(ref tick0, i);
            if (t >= nextRunStart)
            {
                _cursor.MoveTo(_plan, t);
                bucket = _cursor.Bucket;
                nextRunStart = _cursor.NextRunStart;
                bucketStart = _cursor.BucketStart;
            }

            if (bucket < 0 || !filter.Pass(channels, conversations, i))
            {
                continue;
            }

            var user = Unsafe.Add(ref user0, i);
            ref var last = ref lastBucket[user];
            if (last == bucket)
            {
                continue;
            }

            var previous = last;
            last = bucket;
            unique[bucket]++;
            var seen = firstSeen[user];
            if (seen >= bucketStart)
            {
                news[bucket]++;
            }

            if (previous < 0)
            {
                periodUnique++;
                if (seen >= periodStart)
                {
                    periodNew++;
                }
            }
        }

        _periodUnique = periodUnique;
        _periodNew = periodNew;
    }

    // Exact for any plan: dedupe (bucket, user) pairs with a set and place first-seen by lookup.
    private void AddExact<TFilter>(ReadOnlySpan<long> ticks, ReadOnlySpan<int> users, ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, TFilter filter)
        where TFilter : struct, IActivityFilter
    {
        var firstSeen = _firstSeen.Span;
        for (var i = 0; i < ticks.Length; i++)
        {
            var bucket = _plan.BucketOf(ticks[i]);
            if (bucket < 0 || !filter.Pass(channels, conversations, i))
            {
                continue;
            }

            var user = users[i];
            if (!_seenPairs!.Add(((long)bucket << 32) | (uint)user))
            {
                continue;
            }

            Unique[bucket]++;
            var firstBucket = _plan.BucketOf(firstSeen[user]);
            if (firstBucket == bucket)
            {
                New[bucket]++;
            }

            if (_seenUsers!.Add(user))
            {
                _periodUnique++;
                if (firstBucket >= 0)
                {
                    _periodNew++;
                }
            }
        }
    }

    private struct Cursor
    {
        private int _run;

        public Cursor(BucketPlan plan)
        {
            _run = 0;
            Bucket = plan.RunBucket[0];
            NextRunStart = plan.RunStart[1];
            BucketStart = long.MaxValue;
        }

        public int Bucket { get; private set; }

        public long NextRunStart { get; private set; }

        public long BucketStart { get; private set; }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void MoveTo(BucketPlan plan, long utcTicks)
        {
            var starts = plan.RunStart;
            while (starts[_run + 1] <= utcTicks)
            {
                _run++;
            }

            Bucket = plan.RunBucket[_run];
            NextRunStart = starts[_run + 1];
            BucketStart = Bucket >= 0 ? plan.BucketUtcStart[Bucket] : long.MaxValue;
        }
    }
}
