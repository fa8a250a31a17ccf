using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>Kore.ai's error body: <c>{"errors":[{"msg":"...","code":400}]}</c>.</summary>
public sealed class KoreErrorResponse
{
    /// <summary>One entry (EngagementMetrics reports the first problem found).</summary>
    public required IReadOnlyList<KoreErrorItem> Errors { get; init; }
}
