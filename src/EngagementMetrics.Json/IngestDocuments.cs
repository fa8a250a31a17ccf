using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Json;

/// <summary>The ingest route's answer: <c>{"stored":n,"duplicates":n,"rejected":[...]}</c>.</summary>
public sealed class IngestResponse
{
    /// <summary>Events stored by this request.</summary>
    public required int Stored { get; init; }

    /// <summary>Events skipped because their (bot, event id) was stored already or repeated in the body.</summary>
    public required int Duplicates { get; init; }

    /// <summary>Every rejected record, in input order.</summary>
    public required IReadOnlyList<IngestRejection> Rejected { get; init; }
}

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

/// <summary>The ingest route's error body for a request refused as a whole: <c>{"error":"..."}</c>.</summary>
public sealed class IngestErrorResponse
{
    /// <summary>What is wrong.</summary>
    public required string Error { get; init; }
}

/// <summary>Serializes the ingest route's documents.</summary>
public static class IngestJson
{
    /// <summary>The answer for an append: rejections named by line (<paramref name="lines"/>) or by array index.</summary>
    public static IngestResponse ToDocument(int stored, int duplicates, IEnumerable<EventError> rejected, bool lines)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return new IngestResponse
        {
            Stored = stored,
            Duplicates = duplicates,
            Rejected = [.. rejected.Select(e => new IngestRejection { Index = lines ? null : e.Index, Line = lines ? e.LineNumber : null, Field = e.Field, Message = e.Message })],
        };
    }

    /// <summary>The answer for a stored batch (lenient mode may list rejections).</summary>
    public static string Serialize(AppendResult result, bool lines, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Serialize(ToDocument(result.Stored, result.Duplicates, result.Rejected, lines), indented);
    }

    /// <summary>Serializes an answer.</summary>
    public static string Serialize(IngestResponse response, bool indented = false) =>
        JsonSerializer.Serialize(response, KoreTrendJson.Context(indented).IngestResponse);

    /// <summary>Serializes the error body of a request refused as a whole (too large, bad mode).</summary>
    public static string SerializeError(string message, bool indented = false) =>
        JsonSerializer.Serialize(new IngestErrorResponse { Error = message }, KoreTrendJson.Context(indented).IngestErrorResponse);
}
