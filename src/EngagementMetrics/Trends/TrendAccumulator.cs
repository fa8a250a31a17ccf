using System.Buffers;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Trends;

/// <summary>
/// The single pass behind every trend: fed time-ordered activity batches, it counts unique, new and returning users
/// per bucket and for the whole period.
/// </summary>
/// <remarks>
/// <para>Per-user state is two pooled <c>int</c>s side by side: the last bucket the user was counted in, so a user is
/// counted once per bucket without any set or dictionary (buckets never decrease along time-ordered input, see
/// <see cref="BucketPlan.Monotonic"/>), and the bucket of the user's first-seen instant (-1 outside the period), placed
/// once per query before the scan. A user is new in bucket B when that first bucket is B. Each batch is cut into runs
/// of one bucket, so the inner loop is a load, a compare and a store per event; period totals come from one pass over
/// the user state at the end.</para>
/// <para>Nothing is allocated per event. Per query: the pooled user array, and the count arrays that become the result.</para>
/// <para>For the rare non-monotonic plan (a zone whose clock moved back across a bucket boundary) an exact, slower
/// path dedupes with a set instead.</para>
/// </remarks>
internal sealed class TrendAccumulator : IDisposable
{
    private readonly BucketPlan _plan;
    private readonly ReadOnlyMemory<long> _firstSeen;
    private readonly UserState[] _users;
    private readonly HashSet<long>? _seenPairs;
    private readonly HashSet<int>? _seenUsers;
    private readonly int _userCount;
    private Cursor _cursor;
    private int _periodUnique;
    private int _periodNew;
    private bool _periodCounted;

    public TrendAccumulator(BucketPlan plan, int userCount, ReadOnlyMemory<long> firstSeen)
    {
        _plan = plan;
        _firstSeen = firstSeen;
        Unique = new int[plan.BucketCount];
        New = new int[plan.BucketCount];
        _userCount = userCount;
        _users = ArrayPool<UserState>.Shared.Rent(Math.Max(1, userCount));
        if (plan.Monotonic)
        {
            PlaceFirstSeen(plan, firstSeen.Span, _users.AsSpan(0, userCount));
        }
        else
        {
            _seenPairs = [];
            _seenUsers = [];
        }

        _cursor = new Cursor(plan);
    }

    public int[] Unique { get; }

    public int[] New { get; }

    public int PeriodUnique
    {
        get
        {
            CountPeriod();
            return _periodUnique;
        }
    }

    public int PeriodNew
    {
        get
        {
            CountPeriod();
            return _periodNew;
        }
    }

    public void Add<TFilter>(in ActivityBatch batch, TFilter filter)
        where TFilter : struct, IActivityFilter
    {
        // Only the columns the filter reads: a store may widen a narrow column when its span is asked for.
        var channels = filter.UsesChannels ? batch.Channels.Span : default;
        var conversations = filter.UsesConversations ? batch.Conversations.Span : default;
        if (_seenPairs is null)
        {
            AddMonotonic(batch.UtcTicks.Span, batch.Users.Span, channels, conversations, filter);
        }
        else
        {
            AddExact(batch.UtcTicks.Span, batch.Users.Span, channels, conversations, filter);
        }
    }

    public void Dispose() => ArrayPool<UserState>.Shared.Return(_users);

    // A batch is cut into runs of events that share one bucket: a binary search finds each run's end, so the inner
    // loop has no per-event time test and the bucket is a constant.
    private void AddMonotonic<TFilter>(ReadOnlySpan<long> ticks, ReadOnlySpan<int> users, ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, TFilter filter)
        where TFilter : struct, IActivityFilter
    {
        if (users.Length != ticks.Length)
        {
            throw new ArgumentException("Activity columns differ in length.", nameof(users));
        }

        var count = ticks.Length;
        var start = 0;
        while (start < count)
        {
            var t = ticks[start];
            if (t >= _cursor.NextRunStart)
            {
                _cursor.MoveTo(_plan, t);
            }

            var next = _cursor.NextRunStart;
            var end = ticks[count - 1] < next ? count : start + SortedTicks.LowerBound(ticks[start..], next);
            var bucket = _cursor.Bucket;
            if (bucket >= 0)
            {
                CountRun(bucket, start, users[start..end], channels, conversations, filter);
            }

            start = end;
        }
    }

    private void CountRun<TFilter>(int bucket, int offset, ReadOnlySpan<int> users, ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, TFilter filter)
        where TFilter : struct, IActivityFilter
    {
        var state = _users;
        var bucketUnique = 0;
        var bucketNew = 0;
        for (var i = 0; i < users.Length; i++)
        {
            if (!filter.Pass(channels, conversations, offset + i))
            {
                continue;
            }

            var user = users[i];
            ref var s = ref state[user];
            if (s.Last == bucket)
            {
                continue;
            }

            s.Last = bucket;
            bucketUnique++;
            if (s.First == bucket)
            {
                bucketNew++;
            }
        }

        Unique[bucket] += bucketUnique;
        New[bucket] += bucketNew;
    }

    // Every user starts uncounted (Last -1) with the bucket of their first-seen instant (First, -1 outside the
    // period). First-seen instants mostly come in ordinal order, so a forward walk over the run table places them in
    // O(users + runs); an instant earlier than its predecessor falls back to a binary search.
    private static void PlaceFirstSeen(BucketPlan plan, ReadOnlySpan<long> firstSeen, Span<UserState> users)
    {
        var starts = plan.RunStart;
        var buckets = plan.RunBucket;
        var from = plan.ScanFromUtcTicks;
        var to = plan.ScanToUtcTicks;
        var run = 0;
        var previous = long.MinValue;
        for (var u = 0; u < users.Length; u++)
        {
            var seen = firstSeen[u];
            var first = -1;
            if (seen >= from && seen < to)
            {
                if (seen < previous)
                {
                    run = plan.RunOf(seen);
                }
                else
                {
                    run = plan.AdvanceRun(run, seen);
                }

                previous = seen;
                first = buckets[run];
            }

            users[u] = new UserState { Last = -1, First = first };
        }
    }

    // Period totals of the fast path: the users counted in some bucket, and those of them first seen in the period.
    private void CountPeriod()
    {
        if (_seenPairs is not null || _periodCounted)
        {
            return;
        }

        var unique = 0;
        var fresh = 0;
        foreach (var s in _users.AsSpan(0, _userCount))
        {
            if (s.Last >= 0)
            {
                unique++;
                if (s.First >= 0)
                {
                    fresh++;
                }
            }
        }

        _periodUnique = unique;
        _periodNew = fresh;
        _periodCounted = true;
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

    // Both per-user ints side by side: one cache line per event instead of one in each of two arrays.
    private struct UserState
    {
        public int Last;
        public int First;
    }

    private struct Cursor
    {
        private int _run;

        public Cursor(BucketPlan plan)
        {
            _run = 0;
            Bucket = plan.RunBucket[0];
            NextRunStart = plan.RunStart[1];
        }

        public int Bucket { get; private set; }

        public long NextRunStart { get; private set; }

        public void MoveTo(BucketPlan plan, long utcTicks)
        {
            _run = plan.AdvanceRun(_run, utcTicks);
            Bucket = plan.RunBucket[_run];
            NextRunStart = plan.RunStart[_run + 1];
        }
    }
}
