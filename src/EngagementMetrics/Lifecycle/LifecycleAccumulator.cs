using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Lifecycle;

/// <summary>
/// The counting behind a lifecycle, in the one pass of <see cref="BucketCounter{TVisit}"/>: per bucket, the users
/// active in it, those first seen in it (new) and those last counted in the bucket just before it (returning).
/// </summary>
/// <remarks>
/// <para>The plan's bucket 0 is the whole bucket before the period's first (the day before the start date, the ISO
/// week before the one holding it, ...); buckets 1 to n are the period's, clipped to it. When a user is first counted
/// in bucket B, their last counted bucket still says where they were: B - 1 means active in the previous bucket
/// (returning), anything else means not (resurrecting, or new when first seen in B). So per event it is the trend's
/// work plus one compare; no set, no per-user history.</para>
/// <para>Resurrecting and dormant follow from the counts: <c>resurrecting(B) = active(B) - new(B) - returning(B)</c>,
/// <c>dormant(B) = active(B - 1) - returning(B)</c> (the previous bucket's users minus those still active).</para>
/// </remarks>
internal sealed class LifecycleAccumulator : BucketCounter<LifecycleAccumulator.FirstVisit>
{
    private readonly int[] _active;
    private readonly int[] _new;
    private readonly int[] _returning;

    public LifecycleAccumulator(BucketPlan plan, int userCount, ReadOnlySpan<long> firstSeen)
        : base(plan, userCount, firstSeen)
    {
        _active = new int[plan.BucketCount];
        _new = new int[plan.BucketCount];
        _returning = new int[plan.BucketCount];
    }

    /// <summary>
    /// The plan of a lifecycle: bucket 0 is the whole bucket before the period's first, then the period's buckets,
    /// clipped to it. The local time between the previous bucket's end and the start date (a clipped week's or month's
    /// first days) belongs to no bucket.
    /// </summary>
    public static BucketPlan CreatePlan(LifecycleQuery query)
    {
        var start = query.StartDate;
        if (query.Aggregation == LifecycleAggregation.Hour)
        {
            // The local hours of the day before and of the period; of the day before only its last hour counts.
            var slots = (query.Days + 1) * 24;
            var map = new int[slots];
            var starts = new DateTime[slots - 23];
            var origin = start.AddDays(-1).ToDateTime(TimeOnly.MinValue);
            for (var s = 0; s < slots; s++)
            {
                map[s] = s < 23 ? -1 : s - 23;
            }

            for (var b = 0; b < starts.Length; b++)
            {
                starts[b] = origin.AddHours(b + 23);
            }

            return BucketPlan.Create(query.TimeZone, start.AddDays(-1), query.Days + 1, hourly: true, map, starts);
        }

        var unit = Unit(query.Aggregation);
        var first = BucketPlan.GroupStart(start, unit);
        var previous = BucketPlan.GroupStart(first.AddDays(-1), unit);
        return BucketPlan.CreateGrouped(query.TimeZone, previous, query.EndDate, unit, gapFrom: first, gapTo: start);
    }

    /// <summary>The period's buckets (plan buckets 1 to n), labelled. Call after the scan.</summary>
    public LifecycleBucket[] Buckets(LifecycleAggregation aggregation)
    {
        var buckets = new LifecycleBucket[Plan.BucketCount - 1];
        for (var b = 1; b < Plan.BucketCount; b++)
        {
            var start = Plan.BucketLocalStart[b];
            var label = aggregation switch
            {
                LifecycleAggregation.Hour => PeriodLabel.Hour(start),
                LifecycleAggregation.Day => PeriodLabel.Day(DateOnly.FromDateTime(start)),
                LifecycleAggregation.Week => PeriodLabel.Week(DateOnly.FromDateTime(start)),
                _ => PeriodLabel.Month(DateOnly.FromDateTime(start)),
            };
            var returning = _returning[b];
            buckets[b - 1] = new LifecycleBucket(label, start, _new[b], returning, _active[b] - _new[b] - returning, _active[b - 1] - returning);
        }

        return buckets;
    }

    protected override FirstVisit StartRun(int bucket) => default;

    protected override void EndRun(int bucket, in FirstVisit visit)
    {
        _active[bucket] += visit.Active;
        _new[bucket] += visit.New;
        _returning[bucket] += visit.Returning;
    }

    private static TrendAggregation Unit(LifecycleAggregation aggregation) => aggregation switch
    {
        LifecycleAggregation.Day => TrendAggregation.Daily,
        LifecycleAggregation.Week => TrendAggregation.Weekly,
        _ => TrendAggregation.Monthly,
    };

    /// <summary>
    /// A user seen in bucket B for the first time is active there, returning when last counted in B - 1, new when
    /// first seen in B. Bucket 0's new and returning counts mean nothing (every user's last bucket starts at -1) and are
    /// never read: only its active users are, for the first bucket's dormant count.
    /// </summary>
    internal struct FirstVisit : IFirstVisit
    {
        public int Active;
        public int New;
        public int Returning;

        // Active in the previous bucket is as hard to predict as a first visit, so it is counted; first seen in the
        // bucket is rare and well predicted, so it is a branch.
        public void Visit(ref UserBucketState user, int bucket, int first)
        {
            Active += first;
            Returning += first & (user.Last == bucket - 1 ? 1 : 0);
            if (user.First == bucket)
            {
                New += first;
            }
        }
    }
}
