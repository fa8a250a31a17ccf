using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Json;

/// <summary>One rejected record: its line (JSON Lines) or index (JSON array), the field and what is wrong.</summary>
public sealed class IngestRejection
{
    /// <summary>Zero-based index in a JSON array body; absent for JSON Lines.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Index { get; init; }

    /// <summary>One-based line of a JSON Lines body; absent for a JSON array.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Line { get; init; }

    /// <summary>The field at fault (<c>$</c> for the whole record).</summary>
    public required string Field { get; init; }

    /// <summary>What is wrong.</summary>
    public required string Message { get; init; }
}
