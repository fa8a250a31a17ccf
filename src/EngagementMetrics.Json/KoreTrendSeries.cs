using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary><c>{"dataPoints":[...]}</c>.</summary>
/// <typeparam name="TPoint"><see cref="KoreDailyPoint"/> or <see cref="KoreHourlyPoint"/>.</typeparam>
public sealed class KoreTrendSeries<TPoint>
{
    /// <summary>One point per local day.</summary>
    public required IReadOnlyList<TPoint> DataPoints { get; init; }
}
