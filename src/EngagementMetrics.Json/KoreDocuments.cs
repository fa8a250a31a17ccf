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

/// <summary>The Kore.ai v1 document: <c>{"results":[...],"totalResults":n}</c>.</summary>
/// <typeparam name="TPoint"><see cref="KoreDailyPoint"/> or <see cref="KoreHourlyPoint"/>.</typeparam>
public sealed class KoreV1Response<TPoint>
{
    /// <summary>One point per local day.</summary>
    public required IReadOnlyList<TPoint> Results { get; init; }

    /// <summary>Number of results (days).</summary>
    public required int TotalResults { get; init; }
}

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

/// <summary><c>{"dataPoints":[...]}</c>.</summary>
/// <typeparam name="TPoint"><see cref="KoreDailyPoint"/> or <see cref="KoreHourlyPoint"/>.</typeparam>
public sealed class KoreTrendSeries<TPoint>
{
    /// <summary>One point per local day.</summary>
    public required IReadOnlyList<TPoint> DataPoints { get; init; }
}

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

/// <summary>Kore.ai's error body: <c>{"errors":[{"msg":"...","code":400}]}</c>.</summary>
public sealed class KoreErrorResponse
{
    /// <summary>One entry (EngagementMetrics reports the first problem found).</summary>
    public required IReadOnlyList<KoreErrorItem> Errors { get; init; }
}

/// <summary>One error of <see cref="KoreErrorResponse"/>.</summary>
public sealed class KoreErrorItem
{
    /// <summary>What is wrong, naming the parameter and value.</summary>
    public required string Msg { get; init; }

    /// <summary>The HTTP status code.</summary>
    public required int Code { get; init; }
}
