using System.Globalization;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;

namespace EngagementMetrics.Trends;

/// <summary>Lifecycle (new, returning, resurrecting, dormant users per bucket) and retention cohorts.</summary>
public sealed partial class EngagementEngine
{
    /// <summary>
    /// Computes a lifecycle: for each local bucket B of the period (clipped to it) and the bucket P before it, the
    /// users active in B who are new (first seen in B), returning (also active in P), resurrecting (not active in P,
    /// first seen before B), and the users of P no longer active in B (dormant).
    /// </summary>
    /// <param name="query">The question.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>Every bucket of the period, oldest first.</returns>
    /// <remarks>
    /// The first bucket's P is the whole bucket before the first bucket's unclipped start (the day before the start
    /// date, the ISO week before the one holding it, the month before, the hour before 00:00), so the scan starts there.
    /// One pass over the bot's time-ordered activity; nothing allocated per event. Thread-safe.
    /// </remarks>
    /// <exception cref="EngagementValidationException">The bot id is empty, the period is reversed, longer than <see cref="EngagementMetricsOptions.MaxPeriodDays"/> or outside years 2 to 9998, or an enum value is not defined.</exception>
    /// <exception cref="BotNotFoundException">The store holds no event of the bot.</exception>
    public ValueTask<LifecycleReport> GetLifecycleAsync(LifecycleQuery query, CancellationToken cancellationToken = default) =>
        QueryTelemetry.MeasureAsync("lifecycle", _store, query?.BotId, telemetry =>
        {
            TagPeriod(telemetry, query)?.SetTag("engagement.aggregation", query!.Aggregation.ToString());
            return ComputeLifecycleAsync(query!, telemetry, cancellationToken);
        });

    /// <summary>
    /// Computes a retention table: each interval (local day or ISO week) that overlaps the period is a cohort, the users
    /// whose first seen falls in it; entry N counts the cohort's users active in the N-th interval after it.
    /// </summary>
    /// <param name="query">The question.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>Every cohort of the period, the empty ones too, oldest first.</returns>
    /// <remarks>
    /// Weeks count whole, also where the period clips them. Each cohort has an entry for every interval from its own up
    /// to the period's last, at most <see cref="RetentionQuery.Periods"/>. One pass over the bot's time-ordered activity;
    /// nothing allocated per event. Thread-safe.
    /// </remarks>
    /// <exception cref="EngagementValidationException">The bot id is empty, the period is reversed, longer than <see cref="EngagementMetricsOptions.MaxPeriodDays"/> or outside years 2 to 9998, <see cref="RetentionQuery.Periods"/> is out of range, or an enum value is not defined.</exception>
    /// <exception cref="BotNotFoundException">The store holds no event of the bot.</exception>
    public ValueTask<RetentionReport> GetRetentionAsync(RetentionQuery query, CancellationToken cancellationToken = default) =>
        QueryTelemetry.MeasureAsync("retention", _store, query?.BotId, telemetry =>
        {
            var activity = TagPeriod(telemetry, query);
            activity?.SetTag("engagement.interval", query!.Interval.ToString());
            activity?.SetTag("engagement.periods", query!.Periods);
            return ComputeRetentionAsync(query!, telemetry, cancellationToken);
        });

    private async ValueTask<LifecycleReport> ComputeLifecycleAsync(LifecycleQuery query, QueryTelemetry telemetry, CancellationToken cancellationToken)
    {
        Validate(query);
        ValidateDefined(query.Aggregation, nameof(LifecycleQuery.Aggregation));
        var plan = LifecycleAccumulator.CreatePlan(query);
        return await CountAsync(
            query,
            plan,
            (users, firstSeen) => new LifecycleAccumulator(plan, users, firstSeen.Span),
            counter => new LifecycleReport(query, counter.Buckets(query.Aggregation)),
            telemetry,
            cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<RetentionReport> ComputeRetentionAsync(RetentionQuery query, QueryTelemetry telemetry, CancellationToken cancellationToken)
    {
        Validate(query);
        ValidateDefined(query.Interval, nameof(RetentionQuery.Interval));
        if (query.Periods is < 1 or > RetentionQuery.MaxPeriods)
        {
            throw new EngagementValidationException(
                nameof(RetentionQuery.Periods),
                query.Periods.ToString(CultureInfo.InvariantCulture),
                $"Periods {query.Periods} is out of range: 1 to {RetentionQuery.MaxPeriods}");
        }

        var plan = RetentionAccumulator.CreatePlan(query);
        return await CountAsync(
            query,
            plan,
            (users, firstSeen) => new RetentionAccumulator(plan, users, firstSeen.Span, query.Periods),
            counter => new RetentionReport(query, counter.Cohorts(query.Interval)),
            telemetry,
            cancellationToken).ConfigureAwait(false);
    }
}
