namespace EngagementMetrics.Trends;

/// <summary>
/// The counting behind every trend: unique, new and returning users per bucket and for the whole period, in the one
/// pass of <see cref="BucketCounter"/>.
/// </summary>
/// <remarks>
/// A user is counted in bucket B when their last counted bucket is not B, and is new there when the bucket of their
/// first-seen instant is B: a load, a compare and a store per event. Period totals come from one pass over the user
/// state at the end (counted somewhere; of those, first seen in the period).
/// </remarks>
internal sealed class TrendAccumulator : BucketCounter
{
    private int _periodUnique;
    private int _periodNew;
    private bool _periodCounted;

    public TrendAccumulator(BucketPlan plan, int userCount, ReadOnlyMemory<long> firstSeen)
        : base(plan, userCount, firstSeen.Span)
    {
        Unique = new int[plan.BucketCount];
        New = new int[plan.BucketCount];
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

    protected override void CountRun<TFilter>(int bucket, int offset, ReadOnlySpan<int> users, ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, TFilter filter)
    {
        var state = Users;
        var bucketUnique = 0;
        var bucketNew = 0;
        for (var i = 0; i < users.Length; i++)
        {
            if (!filter.Pass(channels, conversations, offset + i))
            {
                continue;
            }

            ref var s = ref state[users[i]];
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

    protected override void CountPair(int bucket, int user)
    {
        ref var s = ref Users[user];
        s.Last = bucket;
        Unique[bucket]++;
        if (s.First == bucket)
        {
            New[bucket]++;
        }
    }

    // The users counted in some bucket, and those of them first seen in the period.
    private void CountPeriod()
    {
        if (_periodCounted)
        {
            return;
        }

        Complete();
        var unique = 0;
        var fresh = 0;
        foreach (var s in Users.AsSpan(0, UserCount))
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
}
