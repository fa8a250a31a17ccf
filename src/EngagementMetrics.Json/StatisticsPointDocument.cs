using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>One bucket's value: an integer count, a number with at most 2 decimals, or null (a mean over nothing).</summary>
public sealed class StatisticsPointDocument
{
    /// <summary>The bucket label.</summary>
    public required string Period { get; init; }

    /// <summary>The value.</summary>
    public required decimal? Value { get; init; }
}
