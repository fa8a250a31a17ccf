namespace EngagementMetrics.Trends;

/// <summary>The period's totals, which are distinct counts over the whole period (not sums of buckets).</summary>
/// <param name="UniqueUsers">Users active in the period under the filters.</param>
/// <param name="NewUsers">Of those, users first seen within the period.</param>
/// <param name="ReturningUsers">Of those, users first seen before the period.</param>
/// <param name="AvgUniqueUsersPerDay"><paramref name="UniqueUsers"/> / days, rounded to 2 decimals, midpoint away from zero.</param>
/// <param name="AvgNewUsersPerDay"><paramref name="NewUsers"/> / days, rounded likewise.</param>
/// <param name="AvgReturningUsersPerDay"><paramref name="ReturningUsers"/> / days, rounded likewise.</param>
public sealed record TrendSummary(
    int UniqueUsers,
    int NewUsers,
    int ReturningUsers,
    decimal AvgUniqueUsersPerDay,
    decimal AvgNewUsersPerDay,
    decimal AvgReturningUsersPerDay);
