using System.Text;

namespace EngagementMetrics.Events;

/// <summary>
/// Reads a whole input of interaction events at once: JSON Lines (one object per line, as on disk) or a JSON array (as
/// over HTTP). For inputs of any size, read batch by batch with <see cref="EventStreamReader"/>, which these methods
/// use and whose rules they share.
/// </summary>
/// <remarks>
/// Never throws for bad records: they are reported in <see cref="EventReadResult.Errors"/> and the caller decides between
/// strict (reject everything) and lenient (keep the valid ones). Thread-safe (stateless).
/// </remarks>
public static class EventJsonReader
{
    /// <summary>Reads all of a JSON Lines stream. Blank lines are skipped; line numbers are one-based.</summary>
    public static Task<EventReadResult> ReadJsonLinesAsync(Stream utf8Stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Stream);
        return ReadAllAsync(utf8Stream, EventFormat.JsonLines, cancellationToken);
    }

    /// <summary>Reads JSON Lines from text already in memory.</summary>
    public static EventReadResult ReadJsonLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false), EventFormat.JsonLines, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Reads a JSON array of event objects (the HTTP ingest shape). Positions and error indexes are zero-based array indexes.
    /// A body that is not a JSON array at all is reported as one error with field <c>$</c>.
    /// </summary>
    public static EventReadResult ReadJsonArray(ReadOnlySpan<byte> utf8Json) =>
        ReadAllAsync(new MemoryStream(utf8Json.ToArray(), writable: false), EventFormat.JsonArray, CancellationToken.None).GetAwaiter().GetResult();

    private static async Task<EventReadResult> ReadAllAsync(Stream stream, EventFormat format, CancellationToken cancellationToken)
    {
        var events = new List<InteractionEvent>();
        var positions = new List<int>();
        var errors = new List<EventError>();
        var recordIndexes = new List<int>();
        var records = 0;
        await using var reader = new EventStreamReader(stream, new EventReaderOptions { Format = format, BatchSize = 65_536 }, leaveOpen: true);
        while (await reader.ReadBatchAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            events.AddRange(batch.Events);
            positions.AddRange(batch.Positions);
            errors.AddRange(batch.Errors);
            recordIndexes.AddRange(batch.RecordIndexes ?? Array.Empty<int>());
            records += batch.RecordCount;
        }

        return new EventReadResult(events, positions, errors, records, recordIndexes, format == EventFormat.JsonLines);
    }
}
