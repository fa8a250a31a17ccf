namespace EngagementMetrics.Json;

/// <summary>One cohort of the retention document: <c>{"cohort","users","retained","percent"}</c>.</summary>
public sealed class RetentionCohortDocument
{
    /// <summary>The interval's label: <c>2025-12-01</c> or <c>2025-W49</c>.</summary>
    public required string Cohort { get; init; }

    /// <summary>Users first seen in the interval.</summary>
    public required int Users { get; init; }

    /// <summary>Entry N: cohort users active in the N-th interval after the cohort's (N = 0: its own).</summary>
    public required IReadOnlyList<int> Retained { get; init; }

    /// <summary>Entry N: <c>100 * retained[N] / users</c>, 2 decimals at most, written without trailing zeros (<c>50</c>, <c>33.33</c>); <c>null</c> for an empty cohort.</summary>
    public required IReadOnlyList<decimal?> Percent { get; init; }
}
