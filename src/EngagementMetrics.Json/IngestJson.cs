using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Json;

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
