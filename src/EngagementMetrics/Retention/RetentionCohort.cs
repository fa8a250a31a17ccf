namespace EngagementMetrics.Retention;

/// <summary>One cohort C of a retention table: the users first seen in one interval, and their activity after it.</summary>
/// <param name="Cohort">The interval's label: <c>2025-12-01</c> or <c>2025-W49</c>.</param>
/// <param name="LocalStart">The interval's first local date (a week's Monday, which may lie before the period).</param>
/// <param name="Users">Users whose first seen (over the whole history, ignoring filters) falls in the interval.</param>
/// <param name="Retained">Entry N: cohort users active (under the filters) in the N-th interval after C's (N = 0: C's own), up to the period's last interval and at most <see cref="RetentionQuery.Periods"/> entries.</param>
/// <param name="Percent">Entry N: <c>100 * Retained[N] / Users</c> rounded to 2 decimals, midpoint away from zero, from the exact quotient, without trailing zeros; <see langword="null"/> for an empty cohort.</param>
public sealed record RetentionCohort(string Cohort, DateOnly LocalStart, int Users, IReadOnlyList<int> Retained, IReadOnlyList<decimal?> Percent);
