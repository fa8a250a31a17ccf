using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>One error of <see cref="KoreErrorResponse"/>.</summary>
public sealed class KoreErrorItem
{
    /// <summary>What is wrong, naming the parameter and value.</summary>
    public required string Msg { get; init; }

    /// <summary>The HTTP status code.</summary>
    public required int Code { get; init; }
}
