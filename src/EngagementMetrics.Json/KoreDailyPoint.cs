using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>A daily data point: <c>{"date":"Dec 01 2025","users":3}</c>.</summary>
public sealed class KoreDailyPoint
{
    /// <summary>The local date, <c>MMM dd yyyy</c> (invariant culture).</summary>
    public required string Date { get; init; }

    /// <summary>Users that day.</summary>
    public required int Users { get; init; }
}
