using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Cli;

/// <summary>Where a query command (trend, stats, busier-*) reads events from, and what releases it.</summary>
internal sealed record QuerySource(IInteractionStore Store, string Name, Func<ValueTask> Release) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Release();

    /// <summary>Where a query command reads events from: exactly one of --events or --store.</summary>
    public static async Task<QuerySource> OpenAsync(string? file, string? spec, bool lenient, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (file is not null && spec is not null)
        {
            throw new EngagementValidationException("--store", spec, "give either --events or --store, not both");
        }

        if (spec is not null)
        {
            // Queries only read: the store is opened read-only, so a missing file is an error, not a new empty store.
            var opened = await StoreSpec.OpenAsync(spec, readOnly: true, cancellationToken);
            return new QuerySource(opened.Store, opened.Description, opened.DisposeAsync);
        }

        if (file is null)
        {
            throw new EngagementValidationException("--events", null, "one of --events FILE.jsonl or --store sqlite:PATH|postgres:CONNECTION is required");
        }

        await using var input = EventInput.Open(file);
        return new QuerySource(await LoadAsync(input, lenient, stderr, cancellationToken), input.Name, () => ValueTask.CompletedTask);
    }


    /// <summary>Reads JSON Lines into a fresh in-memory store, batch by batch, strictly or leniently.</summary>
    public static async Task<IInteractionStore> LoadAsync(EventInput input, bool lenient, TextWriter stderr, CancellationToken cancellationToken)
    {
        var store = new InMemoryInteractionStore();
        await using var reader = new EventStreamReader(input.Stream, new EventReaderOptions { BatchSize = 50_000 }, leaveOpen: true);
        while (await reader.ReadBatchAsync(cancellationToken) is { } batch)
        {
            var result = await store.AppendAsync(batch, AppendMode.Lenient, cancellationToken);
            foreach (var error in result.Rejected)
            {
                if (!lenient)
                {
                    throw new EngagementValidationException("--events", input.Name, $"invalid --events {input.Name} line {error.LineNumber}: {error.Field}: {error.Message} (--lenient skips bad lines)");
                }

                await stderr.WriteLineAsync($"warning: {input.Name} line {error.LineNumber}: {error.Field}: {error.Message}: line skipped");
            }
        }

        return store;
    }
}
