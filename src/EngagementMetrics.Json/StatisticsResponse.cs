using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>The account / bot statistics document (docs/statistics.md).</summary>
public sealed class StatisticsResponse
{
    /// <summary>The caller's account.</summary>
    public required string Account { get; init; }

    /// <summary>The bot id, or <c>*</c>.</summary>
    public required string Bot { get; init; }

    /// <summary><c>hour</c>, <c>day</c>, <c>month</c> or <c>year</c>.</summary>
    public required string GroupMode { get; init; }

    /// <summary>The number of local days of the window.</summary>
    public required int Days { get; init; }

    /// <summary>The zone of the local buckets.</summary>
    public required string TimeZone { get; init; }

    /// <summary>First local date of the window, <c>yyyy-MM-dd</c>.</summary>
    public required string From { get; init; }

    /// <summary>Last local date of the window (today), <c>yyyy-MM-dd</c>.</summary>
    public required string To { get; init; }

    /// <summary>One series per requested type, in the requested order.</summary>
    public required IReadOnlyList<StatisticsSeriesDocument> Series { get; init; }
}
