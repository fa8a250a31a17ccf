using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Retention;

/// <summary>
/// The counting behind a retention table, in the one pass of <see cref="BucketCounter{TVisit}"/>: the plan's buckets are the
/// intervals (local days, or whole ISO weeks) that overlap the period, and a user's first bucket is their cohort.
/// </summary>
/// <remarks>
/// When a user is first counted in interval I, they add one to their cohort C's entry <c>I - C</c> (when they have a
/// cohort and the entry is within the query's periods). Cohort sizes come from the first-seen placement alone, so they
/// ignore the filters, as first seen does. The table is <c>cohorts x periods</c> <c>int</c>s, allocated once per query.
/// </remarks>
internal sealed class RetentionAccumulator : BucketCounter<RetentionAccumulator.FirstVisit>
{
    private readonly int _periods;
    private readonly int[] _retained;

    public RetentionAccumulator(BucketPlan plan, int userCount, ReadOnlySpan<long> firstSeen, int periods)
        : base(plan, userCount, firstSeen)
    {
        _periods = periods;
        _retained = new int[plan.BucketCount * periods];
    }

    /// <summary>The plan of a retention table: one bucket per interval that overlaps the period, each whole.</summary>
    public static BucketPlan CreatePlan(RetentionQuery query)
    {
        var unit = query.Interval == RetentionInterval.Week ? TrendAggregation.Weekly : TrendAggregation.Daily;
        var first = BucketPlan.GroupStart(query.StartDate, unit);
        var last = BucketPlan.GroupStart(query.EndDate, unit);
        return BucketPlan.CreateGrouped(query.TimeZone, first, query.Interval == RetentionInterval.Week ? last.AddDays(6) : last, unit);
    }

    /// <summary>The cohorts, labelled, with their percentages. Call after the scan.</summary>
    public RetentionCohort[] Cohorts(RetentionInterval interval)
    {
        var count = Plan.BucketCount;
        var sizes = new int[count];
        foreach (var s in Users.AsSpan(0, UserCount))
        {
            if (s.First >= 0)
            {
                sizes[s.First]++;
            }
        }

        var cohorts = new RetentionCohort[count];
        for (var c = 0; c < count; c++)
        {
            var start = DateOnly.FromDateTime(Plan.BucketLocalStart[c]);
            var entries = Math.Min(_periods, count - c);
            var retained = new int[entries];
            var percent = new decimal?[entries];
            for (var n = 0; n < entries; n++)
            {
                retained[n] = _retained[(c * _periods) + n];

                // 100 * retained / users to 2 decimals from the exact quotient: the per-day average's rounding.
                percent[n] = sizes[c] == 0 ? null : PerDayAverage.Compute(100L * retained[n], sizes[c]);
            }

            var label = interval == RetentionInterval.Week ? PeriodLabel.Week(start) : PeriodLabel.Day(start);
            cohorts[c] = new RetentionCohort(label, start, sizes[c], retained, percent);
        }

        return cohorts;
    }

    protected override FirstVisit StartRun(int bucket) => new(_retained, _periods);

    // The visit adds to the table as it goes.
    protected override void EndRun(int bucket, in FirstVisit visit)
    {
    }

    /// <summary>
    /// A user seen in interval I for the first time adds one to their cohort C's entry <c>I - C</c>, when they have a
    /// cohort and the entry is within the periods.
    /// </summary>
    internal readonly struct FirstVisit(int[] retained, int periods) : IFirstVisit
    {
        // Whether the user's cohort follows this interval is well predicted (cohorts are followed for the first few
        // intervals after them, and most users share a few cohorts), so it is a branch; whether the event is the user's
        // first in the interval is not, so it is added. A user's first seen never follows their activity, so n is never
        // negative for a user with a cohort; the unsigned compare keeps a store that broke that rule from counting.
        public void Visit(ref UserBucketState user, int bucket, int first)
        {
            var cohort = user.First;
            var n = bucket - cohort;
            if (cohort >= 0 && (uint)n < (uint)periods)
            {
                retained[(cohort * periods) + n] += first;
            }
        }
    }
}
