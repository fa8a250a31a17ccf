namespace EngagementMetrics.Retention;

/// <summary>The answer to a <see cref="RetentionQuery"/>: one cohort per interval of the period, oldest first.</summary>
public sealed class RetentionReport
{
    /// <summary>Creates a report.</summary>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public RetentionReport(RetentionQuery query, IReadOnlyList<RetentionCohort> cohorts)
    {
        Query = query ?? throw new ArgumentNullException(nameof(query));
        Cohorts = cohorts ?? throw new ArgumentNullException(nameof(cohorts));
    }

    /// <summary>The question answered.</summary>
    public RetentionQuery Query { get; }

    /// <summary>Every interval of the period (the local days, or ISO weeks, that overlap it) as a cohort, also the empty ones, oldest first.</summary>
    public IReadOnlyList<RetentionCohort> Cohorts { get; }
}
