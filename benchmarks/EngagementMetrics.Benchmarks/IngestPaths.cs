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
    /// Streams <paramref name="path"/> through <see cref="EventStreamReader"/> in batches of <see cref="BatchSize"/> lines and
    /// appends each batch (lenient: bad lines are skipped and counted) through the core's pipeline to
    /// <paramref name="store"/>, parsing the next batch while one is stored, as <c>engagement ingest</c> does.
    /// </summary>
    public static async Task<IngestResult> IngestFileAsync(string path, IInteractionStore store)
    {
        long lines = 0, stored = 0, duplicates = 0, rejected = 0;
        await using var reader = new EventStreamReader(OpenFile(path), new EventReaderOptions { BatchSize = BatchSize });
        await foreach (var (batch, result) in store.AppendAllAsync(reader, AppendMode.Lenient).ConfigureAwait(false))
        {
            lines += batch.RecordCount;
            stored += result.Stored;
            duplicates += result.Duplicates;
            rejected += result.Rejected.Count;
        }

        return new IngestResult(lines, stored, duplicates, rejected);
    }

    /// <summary>The reader alone: parses and validates every line of <paramref name="path"/> as <see cref="IngestFileAsync"/> does, stores nothing.</summary>
    /// <returns>The number of valid events.</returns>
    public static async Task<long> ReadFileAsync(string path)
    {
        long events = 0;
        await using var reader = new EventStreamReader(OpenFile(path), new EventReaderOptions { BatchSize = BatchSize });
        while (await reader.ReadBatchAsync().ConfigureAwait(false) is { } batch)
        {
            events += batch.Events.Count;

            // As AppendAllAsync does: the batch's storage serves the next batch at once, instead of new storage per
            // batch until a collection finds the old one unreachable (17 full collections per 10M lines without this).
            reader.Release(batch);
        }

        return events;
    }

    /// <summary>Every valid event of <paramref name="path"/>, parsed as <see cref="ReadFileAsync"/> parses them (the retained-memory reference).</summary>
    public static async Task<List<InteractionEvent>> ReadAllEventsAsync(string path)
    {
        var events = new List<InteractionEvent>();
        await using var reader = new EventStreamReader(OpenFile(path), new EventReaderOptions { BatchSize = BatchSize });
        while (await reader.ReadBatchAsync().ConfigureAwait(false) is { } batch)
        {
            events.AddRange(batch.Events);
        }

        return events;
    }

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
}
