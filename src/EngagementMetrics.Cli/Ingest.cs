using System.CommandLine;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using Spectre.Console;

namespace EngagementMetrics.Cli;

/// <summary><c>engagement ingest</c>: a JSON Lines file (or standard input) into a SQLite or PostgreSQL store.</summary>
internal static class Ingest
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var storeSpec = new Option<string>("--store") { Description = "The store: sqlite:PATH (file created when missing) or postgres:CONNECTION_STRING.", Required = true };
        var events = new Option<string>("--events") { Description = "JSON Lines file of interaction events, or - for standard input.", Required = true };
        var strict = new Option<bool>("--strict") { Description = "Refuse the whole file, storing nothing, if any line is bad (default: skip bad lines and report them)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Events per transaction when not --strict (default 50000).", DefaultValueFactory = _ => 50_000 };
        var command = new Command("ingest", "Stores the events of a JSON Lines file in a SQLite or PostgreSQL store (idempotent on botId + eventId).")
        {
            storeSpec, events, strict, batchSize,
        };
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, () =>
            Ingest.RunAsync(parse.GetValue(storeSpec)!, parse.GetValue(events)!, parse.GetValue(strict), parse.GetValue(batchSize), stdout, stderr, cancellationToken)));
        return command;
    }

    /// <summary>How many rejected lines the summary lists; the rest are counted.</summary>
    public const int ListedRejections = 100;

    public static async Task<int> RunAsync(string spec, string events, bool strict, int batchSize, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (batchSize is < 1 or > 1_000_000)
        {
            throw new EngagementValidationException("--batch-size", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), $"invalid --batch-size {batchSize}: must be between 1 and 1000000");
        }

        await using var input = EventInput.Open(events);
        var summary = new Summary();

        // Lenient: the store is opened first and each batch is stored as it is read. Strict: the whole input is read
        // first, so a bad line refuses the file before any store is opened (or a database file created).
        StoreSpec? target = strict ? null : await StoreSpec.OpenAsync(spec, readOnly: false, cancellationToken);
        try
        {
            async Task RunAllAsync(Action<long>? progress)
            {
                await using var reader = new EventStreamReader(input.Stream, new EventReaderOptions { BatchSize = batchSize }, leaveOpen: true);
                if (strict)
                {
                    target = await StrictAsync(reader, input, spec, summary, progress, cancellationToken);
                }
                else
                {
                    await LenientAsync(reader, target!, summary, progress, cancellationToken);
                }
            }

            if (input.Length is { } length && ShowProgress(stderr))
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
                await console.Progress().AutoClear(true).StartAsync(async context =>
                {
                    // The bar follows the bytes read, so it moves while the file is parsed, not only when a batch is stored.
                    var task = context.AddTask($"ingesting {input.Name}", maxValue: Math.Max(1, length));
                    await RunAllAsync(read => task.Value = read);
                });
            }
            else
            {
                await RunAllAsync(null);
            }

            await stdout.WriteLineAsync($"{input.Name} into {target!.Description}: {summary.Records} lines");
            await stdout.WriteLineAsync($"stored: {summary.Stored}");
            await stdout.WriteLineAsync($"duplicates: {summary.Duplicates}");
            await stdout.WriteLineAsync($"rejected: {summary.RejectedCount}");
            foreach (var error in summary.Listed)
            {
                await stdout.WriteLineAsync($"  line {error.LineNumber}: {error.Field}: {error.Message}");
            }

            if (summary.RejectedCount > summary.Listed.Count)
            {
                await stdout.WriteLineAsync($"  ... and {summary.RejectedCount - summary.Listed.Count} more");
            }

        }
        finally
        {
            if (target is not null)
            {
                await target.DisposeAsync();
            }
        }

        return EngagementCli.Ok;
    }

    // One transaction per batch: what was stored stays stored, bad lines are skipped and reported.
    private static async Task LenientAsync(EventStreamReader reader, StoreSpec target, Summary summary, Action<long>? progress, CancellationToken cancellationToken)
    {
        // The next batch is parsed while this one is stored (AppendAllAsync's read-ahead).
        await foreach (var (batch, result) in target.Store.AppendAllAsync(reader, AppendMode.Lenient, cancellationToken))
        {
            summary.Stored += result.Stored;
            summary.Duplicates += result.Duplicates;
            summary.Records += batch.RecordCount;
            summary.Reject(result.Rejected);
            progress?.Invoke(reader.BytesRead);
            CompactNow(summary.Records, batch.RecordCount);
        }
    }

    // Stored entirely or not at all: the first bad line stops the read before anything is stored, then the events go
    // to the store as one atomic batch.
    private static async Task<StoreSpec> StrictAsync(EventStreamReader reader, EventInput input, string spec, Summary summary, Action<long>? progress, CancellationToken cancellationToken)
    {
        var events = new List<InteractionEvent>();
        var positions = new List<int>();
        while (await reader.ReadBatchAsync(cancellationToken) is { } batch)
        {
            if (batch.Errors.Count > 0)
            {
                var first = batch.Errors[0];
                throw new EngagementValidationException("--events", input.Name, $"invalid --events {input.Name} line {first.LineNumber}: {first.Field}: {first.Message}; --strict stored nothing");
            }

            events.AddRange(batch.Events);
            positions.AddRange(batch.Positions);
            summary.Records += batch.RecordCount;
            progress?.Invoke(reader.BytesRead);
        }

        var target = await StoreSpec.OpenAsync(spec, readOnly: false, cancellationToken);
        try
        {
            if (events.Count > 0)
            {
                var result = await target.Store.AppendAsync(events, AppendMode.Strict, cancellationToken);
                summary.Stored += result.Stored;
                summary.Duplicates += result.Duplicates;
            }

            return target;
        }
        catch (EventBatchRejectedException ex)
        {
            await target.DisposeAsync();
            var first = ex.Errors[0];
            throw new EngagementValidationException("--events", input.Name, $"invalid --events {input.Name} line {positions[first.Index]}: {first.Field}: {first.Message}; --strict stored nothing");
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    /// <summary>How many events pass between two compactions of the heap (see <see cref="CompactNow"/>).</summary>
    private const int CompactEvery = 250_000;

    // Each batch allocates a few blocks too large for the small-object heap (segment blobs of about 100-200 KB, the
    // batch's arrays), of a different size each time. The large-object heap is only compacted on request, so over
    // millions of events it fragments and grows (measured: about 110 MB of it at 10M events, for 20 MB live). Between
    // two batches nothing is live but the reader's buffer, so once per million events a compacting collection keeps the
    // process's peak under 300 MB whatever the file's size, for about 20 ms each time.
    private static void CompactNow(long records, int batch)
    {
        if (records % CompactEvery < batch)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
    }

    // A bar only for a person watching: stderr is the real console and a terminal.
    private static bool ShowProgress(TextWriter stderr) => ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    private sealed class Summary
    {
        public long Records { get; set; }

        public long Stored { get; set; }

        public long Duplicates { get; set; }

        public long RejectedCount { get; private set; }

        public List<EventError> Listed { get; } = [];

        // Keeps the first rejections in line order; a file of millions of bad lines is counted, not held.
        public void Reject(IReadOnlyList<EventError> errors)
        {
            RejectedCount += errors.Count;
            foreach (var error in errors)
            {
                if (Listed.Count == ListedRejections)
                {
                    break;
                }

                Listed.Add(error);
            }
        }
    }
}
