using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Json;

/// <summary>The ingest route's error body for a request refused as a whole: <c>{"error":"..."}</c>.</summary>
public sealed class IngestErrorResponse
{
    /// <summary>What is wrong.</summary>
    public required string Error { get; init; }
}
