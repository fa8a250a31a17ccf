using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>The period summary of the v2 document.</summary>
public sealed class KoreV2Summary
{
    /// <summary>Distinct users in the period.</summary>
    public required int UniqueUsers { get; init; }

    /// <summary>Of those, first seen in the period.</summary>
    public required int NewUsers { get; init; }

    /// <summary>Of those, first seen before the period.</summary>
    public required int ReturningUsers { get; init; }

    /// <summary>Unique users per day, 2 decimals at most.</summary>
    public required decimal AvgUniqueUsersPerDay { get; init; }

    /// <summary>New users per day, 2 decimals at most.</summary>
    public required decimal AvgNewUsersPerDay { get; init; }

    /// <summary>Returning users per day, 2 decimals at most.</summary>
    public required decimal AvgReturningUsersPerDay { get; init; }
}
