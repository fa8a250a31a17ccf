namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/events.md.</summary>
internal static class EventsDoc
{
    public static async Task ReadInBatchesAsync(IInteractionStore store)
    {
        #region read-batches
        await using var reader = new EventStreamReader(File.OpenRead("events.jsonl"),
            new EventReaderOptions { Format = EventFormat.JsonLines, BatchSize = 50_000 });
        while (await reader.ReadBatchAsync() is { } batch)
        {
            foreach (var error in batch.Errors) Console.Error.WriteLine(error);   // "line 7: kind: 'shout' is not a known kind ..."
            await store.AppendAsync(batch.Events, AppendMode.Lenient);
        }
        #endregion
    }

    public static async Task AppendAllAsync(IInteractionStore store, EventStreamReader reader)
    {
        #region append-all
        await foreach (var (batch, result) in store.AppendAllAsync(reader, AppendMode.Lenient))
        {
            foreach (var error in result.Rejected) Console.Error.WriteLine(error);   // read errors and store rejections, by line
        }
        #endregion
    }
}
