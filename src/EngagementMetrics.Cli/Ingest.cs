using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using Spectre.Console;

namespace EngagementMetrics.Cli;

/// <summary><c>engagement ingest</c>: a JSON Lines file into a SQLite or PostgreSQL store.</summary>
internal static class Ingest
{
    public static async Task<int> RunAsync(string spec, FileInfo file, bool strict, int batchSize, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (batchSize < 1)
        {
            throw new EngagementValidationException("--batch-size", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), $"invalid --batch-size {batchSize}: must be at least 1");
        }

        if (!file.Exists)
        {
            throw new EngagementValidationException("--events", file.FullName, $"invalid --events '{file.FullName}': file not found");
        }

        EventReadResult read;
        await using (var stream = file.OpenRead())
        {
            read = await EventJsonReader.ReadJsonLinesAsync(stream, cancellationToken);
        }

        if (strict && read.Errors.Count > 0)
        {
            var more = read.Errors.Count > 1 ? $" (and {read.Errors.Count - 1} more bad lines)" : string.Empty;
            throw new EngagementValidationException("--events", file.FullName, $"invalid --events {file.Name} {read.Errors[0]}{more}; --strict stored nothing");
        }

        await using var target = await StoreSpec.OpenAsync(spec, readOnly: false, cancellationToken);
        var rejected = new List<EventError>(read.Errors);
        int stored = 0, duplicates = 0;

        // Strict: the whole file is one batch, so it is stored entirely or not at all. Otherwise: one transaction per
        // --batch-size events, bad events skipped and reported.
        var size = strict ? Math.Max(1, read.Events.Count) : batchSize;
        var all = read.Events as InteractionEvent[] ?? [.. read.Events];
        async Task AppendAllAsync(Action<int>? advance)
        {
            for (var start = 0; start < read.Events.Count; start += size)
            {
                var count = Math.Min(size, read.Events.Count - start);
                var batch = new ArraySegment<InteractionEvent>(all, start, count);
                AppendResult result;
                try
                {
                    result = await target.Store.AppendAsync(batch, strict ? AppendMode.Strict : AppendMode.Lenient, cancellationToken);
                }
                catch (EventBatchRejectedException ex)
                {
                    var first = ex.Errors[0];
                    throw new EngagementValidationException("--events", file.FullName, $"invalid --events {file.Name} line {read.Positions[start + first.Index]}: {first.Field}: {first.Message}; --strict stored nothing");
                }

                stored += result.Stored;
                duplicates += result.Duplicates;
                rejected.AddRange(result.Rejected.Select(e => e with { Index = start + e.Index, LineNumber = read.Positions[start + e.Index] }));
                advance?.Invoke(count);
            }
        }

        if (ShowProgress(stderr))
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress().AutoClear(true).StartAsync(async context =>
            {
                var task = context.AddTask($"ingesting {file.Name}", maxValue: Math.Max(1, read.Events.Count));
                await AppendAllAsync(n => task.Increment(n));
            });
        }
        else
        {
            await AppendAllAsync(null);
        }

        await stdout.WriteLineAsync($"{file.Name} into {target.Description}: {read.RecordCount} lines");
        await stdout.WriteLineAsync($"stored: {stored}");
        await stdout.WriteLineAsync($"duplicates: {duplicates}");
        await stdout.WriteLineAsync($"rejected: {rejected.Count}");
        foreach (var error in rejected.OrderBy(e => e.LineNumber ?? int.MaxValue))
        {
            await stdout.WriteLineAsync($"  line {error.LineNumber}: {error.Field}: {error.Message}");
        }

        return EngagementCli.Ok;
    }

    // A bar only for a person watching: stderr is the real console and a terminal.
    private static bool ShowProgress(TextWriter stderr) => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
}
