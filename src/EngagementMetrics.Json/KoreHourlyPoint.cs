using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>
/// An hourly data point: <c>{"date":"Dec 01 2025","0 - 1":0,...,"23 - 0":0}</c>, the 24 hour keys in order.
/// </summary>
[JsonConverter(typeof(KoreHourlyPointConverter))]
public sealed class KoreHourlyPoint
{
    /// <summary>The local date, <c>MMM dd yyyy</c> (invariant culture).</summary>
    public required string Date { get; init; }

    /// <summary>Users per local hour, index 0 (<c>"0 - 1"</c>) to 23 (<c>"23 - 0"</c>). Exactly 24 entries.</summary>
    public required int[] Hours { get; init; }
}
