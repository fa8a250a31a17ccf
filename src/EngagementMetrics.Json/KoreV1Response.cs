using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>The Kore.ai v1 document: <c>{"results":[...],"totalResults":n}</c>.</summary>
/// <typeparam name="TPoint"><see cref="KoreDailyPoint"/> or <see cref="KoreHourlyPoint"/>.</typeparam>
public sealed class KoreV1Response<TPoint>
{
    /// <summary>One point per local day.</summary>
    public required IReadOnlyList<TPoint> Results { get; init; }

    /// <summary>Number of results (days).</summary>
    public required int TotalResults { get; init; }
}
