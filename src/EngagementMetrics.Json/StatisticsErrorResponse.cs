using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>The statistics API's error body: <c>{"error":"..."}</c>.</summary>
public sealed class StatisticsErrorResponse
{
    /// <summary>What is wrong.</summary>
    public required string Error { get; init; }
}
