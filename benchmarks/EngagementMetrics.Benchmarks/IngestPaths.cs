using System.Buffers;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Benchmarks;

/// <summary>What one ingest of a file did.</summary>
internal readonly record struct IngestResult(long Lines, long Stored, long Duplicates, long Rejected);

/// <summary>
/// "Ours": how EngagementMetrics ingests a JSON Lines file, end to end. Every ingest benchmark and the retained-memory
/// mode go through <see cref="IngestFileAsync"/>, so replacing the reader or the append pipeline means changing that
/// one method (and <see cref="ReadFileAsync"/>, the reader alone, when the reader changes).
/// </summary>
internal static class IngestPaths
{
    /// <summary>Events per <see cref="IInteractionStore.AppendAsync"/> call (one transaction each in the SQL stores).</summary>
    public const int BatchSize = 50_000;

    /// <summary>
    /// Reads <paramref name="path"/> with <see cref="EventJsonReader.ReadJsonLinesAsync"/> in batches of
    /// <see cref="BatchSize"/> lines and appends each batch (lenient: bad lines are skipped and counted) to
    /// <paramref name="store"/>.
    /// </summary>
    public static async Task<IngestResult> IngestFileAsync(string path, IInteractionStore store)
    {
        long lines = 0, stored = 0, duplicates = 0, rejected = 0;
        await foreach (var batch in ReadLineBatchesAsync(path, BatchSize).ConfigureAwait(false))
        {
            var read = await EventJsonReader.ReadJsonLinesAsync(batch).ConfigureAwait(false);
            var result = await store.AppendAsync(read.Events, AppendMode.Lenient).ConfigureAwait(false);
            lines += read.RecordCount;
            stored += result.Stored;
            duplicates += result.Duplicates;
            rejected += read.Errors.Count + result.Rejected.Count;
        }

        return new IngestResult(lines, stored, duplicates, rejected);
    }

    /// <summary>The reader alone: parses and validates every line of <paramref name="path"/> as <see cref="IngestFileAsync"/> does, stores nothing.</summary>
    /// <returns>The number of valid events.</returns>
    public static async Task<long> ReadFileAsync(string path)
    {
        long events = 0;
        await foreach (var batch in ReadLineBatchesAsync(path, BatchSize).ConfigureAwait(false))
        {
            var read = await EventJsonReader.ReadJsonLinesAsync(batch).ConfigureAwait(false);
            events += read.Events.Count;
        }

        return events;
    }

    /// <summary>Every valid event of <paramref name="path"/>, parsed as <see cref="ReadFileAsync"/> parses them (the retained-memory reference).</summary>
    public static async Task<List<InteractionEvent>> ReadAllEventsAsync(string path)
    {
        var events = new List<InteractionEvent>();
        await foreach (var batch in ReadLineBatchesAsync(path, BatchSize).ConfigureAwait(false))
        {
            events.AddRange((await EventJsonReader.ReadJsonLinesAsync(batch).ConfigureAwait(false)).Events);
        }

        return events;
    }

    /// <summary>
    /// The file cut into streams of <paramref name="linesPerBatch"/> lines (the last may be shorter). The same stream
    /// object is reused: consume each before asking for the next.
    /// </summary>
    public static async IAsyncEnumerable<Stream> ReadLineBatchesAsync(string path, int linesPerBatch)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var batch = new MemoryStream(1 << 24);
        try
        {
            var lines = 0;
            int read;
            while ((read = await file.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var start = 0;
                while (start < read)
                {
                    var newline = buffer.AsSpan(start, read - start).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        batch.Write(buffer, start, read - start);
                        break;
                    }

                    batch.Write(buffer, start, newline + 1);
                    start += newline + 1;
                    if (++lines == linesPerBatch)
                    {
                        batch.Position = 0;
                        yield return batch;
                        batch.SetLength(0);
                        lines = 0;
                    }
                }
            }

            if (batch.Length > 0)
            {
                batch.Position = 0;
                yield return batch;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await batch.DisposeAsync().ConfigureAwait(false);
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
