using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>The filters echoed by the v2 document, in lower case.</summary>
public sealed class KoreV2Filters
{
    /// <summary>First date, <c>MMM dd yyyy</c>.</summary>
    public required string Start { get; init; }

    /// <summary>Last date, <c>MMM dd yyyy</c>.</summary>
    public required string End { get; init; }

    /// <summary><c>all</c>, <c>interactive</c> or <c>non interactive</c>.</summary>
    public required string ConversationType { get; init; }

    /// <summary><c>all</c>, <c>active</c> or <c>closed</c>.</summary>
    public required string ConversationStatus { get; init; }

    /// <summary><c>daily</c> or <c>hourly</c>.</summary>
    public required string AggregationType { get; init; }

    /// <summary>Number of days (data points per series).</summary>
    public required int DataPointsCount { get; init; }
}
