namespace EngagementMetrics.Trends;

/// <summary>
/// The counting behind every trend: unique, new and returning users per bucket and for the whole period, in the one
/// pass of <see cref="BucketCounter{TVisit}"/>.
/// </summary>
/// <remarks>
/// A user is counted in bucket B at their first event there, and is new there when the bucket of their first-seen
/// instant is B: a load, a compare and a store per event. Period totals come from one pass over the user
/// state at the end (counted somewhere; of those, first seen in the period).
/// </remarks>
internal sealed class TrendAccumulator : BucketCounter<TrendAccumulator.FirstVisit>
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

    protected override FirstVisit StartRun(int bucket) => default;

    protected override void EndRun(int bucket, in FirstVisit visit)
    {
        Unique[bucket] += visit.Unique;
        New[bucket] += visit.New;
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

    /// <summary>A user seen in the bucket for the first time is unique there, and new when first seen in it.</summary>
    internal struct FirstVisit : IFirstVisit
    {
        public int Unique;
        public int New;

        // First seen in the bucket is rare and well predicted: a branch on it is cheaper than counting it.
        public void Visit(ref UserBucketState user, int bucket, int first)
        {
            Unique += first;
            if (user.First == bucket)
            {
                New += first;
            }
        }
    }
}
