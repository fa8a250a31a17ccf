using System.Globalization;
using System.Runtime.CompilerServices;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;

namespace EngagementMetrics.Benchmarks;

/// <summary>Console modes of the benchmark program that are not BenchmarkDotNet runs (see Program.cs).</summary>
internal static class IngestModes
{
    /// <summary>
    /// <c>retained-memory [N]</c>: ingests the N-event file (default: the first of <see cref="IngestData.EventCounts"/>)
    /// into an in-memory store through <see cref="IngestPaths.IngestFileAsync"/>, forces a full GC and prints the
    /// retained bytes per event (<c>GC.GetTotalMemory(true)</c> plus the native event-id tables,
    /// <c>FingerprintSet.NativeBytes</c>, after minus before, divided by N); then the same for the
    /// events kept as a <c>List&lt;InteractionEvent&gt;</c> (what holding the parsed events would cost), for reference.
    /// </summary>
    public static int RetainedMemory(string[] args)
    {
        var events = args.Length > 0 ? ParseCount(args[0]) : IngestData.EventCounts().First();
        var path = IngestData.EnsureFile(events);

        // The stores are made and filled in a helper that is not inlined, and this method sees them only through the
        // holder: unoptimised (tier-0) code reports every local and temporary as live to the end of its method, so a
        // store referenced from this frame would never be collected and the warm-up's would count as "before".
        var held = new Holder();

        // Warm up the path (JIT, static caches, pools) on a small file, so they are not counted as the store's.
        IngestInto(IngestData.EnsureFile(Math.Min(events, 20_000)), held);
        held.Value = null;

        var before = Retained();
        var result = IngestInto(path, held);
        var after = Retained();
        var native = FingerprintSet.NativeBytes;
        held.Value = null;
        var released = Retained();
        Console.WriteLine($"file: {path}");
        Console.WriteLine($"ingested: {result}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in-memory store retains {after - before:N0} bytes for {events:N0} events: {(after - before) / (double)events:N1} bytes per event (released when dropped: {after - released:N0} bytes)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  of which native event-id tables: {native:N0} bytes ({native / (double)events:N1} per event)"));

        before = GC.GetTotalMemory(forceFullCollection: true);
        var count = ReadAllInto(path, held);
        after = GC.GetTotalMemory(forceFullCollection: true);
        held.Value = null;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference, the parsed events kept as a List<InteractionEvent> ({count:N0}): {(after - before) / (double)events:N1} bytes per event"));
        return 0;
    }

    // The managed heap after a full collection (finalizers run, so dropped stores' native tables are freed), plus the
    // native event-id tables.
    private static long Retained()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true) + FingerprintSet.NativeBytes;
    }

    // Not inlined: once it returns, nothing of its frame (the store, the tasks) is reachable from the caller's.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IngestResult IngestInto(string path, Holder holder)
    {
        var store = new InMemoryInteractionStore();
        holder.Value = store;
        return IngestPaths.IngestFileAsync(path, store).GetAwaiter().GetResult();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadAllInto(string path, Holder holder)
    {
        var events = IngestPaths.ReadAllEventsAsync(path).GetAwaiter().GetResult();
        holder.Value = events;
        return events.Count;
    }

    /// <summary><c>ingest-data [N]</c>: writes (or finds) the N-event file and prints what it holds.</summary>
    public static async Task<int> DescribeDataAsync(string[] args)
    {
        var events = args.Length > 0 ? ParseCount(args[0]) : IngestData.EventCounts().First();
        var path = IngestData.EnsureFile(events);
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var bots = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var channels = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var users = new HashSet<string>(StringComparer.Ordinal);
        var conversations = new Dictionary<string, int>(StringComparer.Ordinal);
        int intentMissed = 0, fallbacks = 0, apiErrors = 0, outOfOrder = 0;
        var first = DateTimeOffset.MaxValue;
        var last = DateTimeOffset.MinValue;
        var previous = DateTimeOffset.MinValue;
        var parsed = await IngestPaths.ReadAllEventsAsync(path).ConfigureAwait(false);
        var rows = IngestData.Rows(events);
        var mismatches = parsed.Count == rows.Length ? 0 : Math.Abs(parsed.Count - rows.Length);
        for (var i = 0; i < Math.Min(parsed.Count, rows.Length); i++)
        {
            var (e, r) = (parsed[i], rows[i]);
            var same = e.EventId == r.EventId && e.BotId == r.BotId && e.AccountId == r.AccountId && e.UserId == r.UserId
                && e.ConversationId == r.ConversationId && e.Timestamp.UtcTicks == r.UtcTicks && e.Kind.ToWireName() == r.Kind
                && e.NormalizedChannel == r.Channel && e.IntentMatched == r.IntentMatched && e.Fallback == r.Fallback
                && e.Goal == r.Goal && e.Error == r.Error && e.Tag == r.Tag;
            mismatches += same ? 0 : 1;
        }

        foreach (var evt in parsed)
        {
            Count(kinds, evt.Kind.ToWireName());
            Count(bots, evt.BotId + " (" + evt.AccountId + ")");
            Count(channels, evt.NormalizedChannel);
            users.Add(evt.UserId!);
            conversations[evt.ConversationId!] = conversations.GetValueOrDefault(evt.ConversationId!) + 1;
            intentMissed += evt.IntentMatched == false ? 1 : 0;
            fallbacks += evt.Fallback == true ? 1 : 0;
            apiErrors += evt.Error == true ? 1 : 0;
            outOfOrder += evt.Timestamp < previous ? 1 : 0;
            previous = evt.Timestamp;
            first = evt.Timestamp < first ? evt.Timestamp : first;
            last = evt.Timestamp > last ? evt.Timestamp : last;
        }

        Console.WriteLine($"file: {path} ({new FileInfo(path).Length / 1e6:N1} MB, {parsed.Count:N0} valid events of {events:N0})");
        Console.WriteLine($"in-memory rows (IngestData.Rows) equal the file's events: {(mismatches == 0 ? "yes" : $"NO, {mismatches} differ")}");
        Console.WriteLine($"time: {first:O} .. {last:O} ({(last - first).TotalDays:N1} days), events out of time order: {outOfOrder}");
        Console.WriteLine($"users: {users.Count:N0}; conversations: {conversations.Count:N0}, events each {conversations.Values.Min()}..{conversations.Values.Max()} (mean {conversations.Values.Average():N2})");
        Console.WriteLine($"bots: {string.Join(", ", bots.Select(b => $"{b.Key} {b.Value:N0}"))}");
        Console.WriteLine($"channels: {string.Join(", ", channels.Select(c => $"{c.Key} {c.Value:N0}"))}");
        Console.WriteLine($"kinds: {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value:N0}"))}");
        Console.WriteLine($"intentMatched false: {intentMissed:N0}; fallback true: {fallbacks:N0}; api error true: {apiErrors:N0}");
        Console.WriteLine($"first line: {File.ReadLines(path).First()}");
        return 0;
    }

    private static void Count(SortedDictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private sealed class Holder
    {
        public object? Value { get; set; }
    }

    private static int ParseCount(string text) =>
        int.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"'{text}' is not a positive event count.", nameof(text));
}
