using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>The Kore.ai v2 document.</summary>
/// <typeparam name="TPoint"><see cref="KoreDailyPoint"/> or <see cref="KoreHourlyPoint"/>.</typeparam>
public sealed class KoreV2Response<TPoint>
{
    /// <summary>Period totals and averages.</summary>
    public required KoreV2Summary Summary { get; init; }

    /// <summary>Unique users per day or hour.</summary>
    public required KoreTrendSeries<TPoint> UniqueUsersTrend { get; init; }

    /// <summary>New users per day or hour.</summary>
    public required KoreTrendSeries<TPoint> NewUsersTrend { get; init; }

    /// <summary>Returning users per day or hour.</summary>
    public required KoreTrendSeries<TPoint> ReturningUsersTrend { get; init; }

    /// <summary>The filters applied.</summary>
    public required KoreV2Filters Filters { get; init; }
}
