using System.Runtime.CompilerServices;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;

namespace EngagementMetrics.Tests;

/// <summary>
/// Tests that measure the whole process's managed heap: run alone, after the parallel tests, so that no other test's
/// objects are counted as the store's.
/// </summary>
[CollectionDefinition(nameof(HeapMeasurementCollection), DisableParallelization = true)]
public sealed class HeapMeasurementCollection;

/// <summary>How little the in-memory store's columnar layout holds per event.</summary>
[Collection(nameof(HeapMeasurementCollection))]
public class InMemoryRetainedMemoryTests
{
    private static readonly DateTimeOffset Origin = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RetainedMemory_PerEvent_StaysSmall()
    {
        const int Events = 200_000;
        var holder = new StrongBox<InMemoryInteractionStore?>();

        // The event-id tables are native memory (FingerprintSet): counted beside the managed heap.
        var before = GC.GetTotalMemory(forceFullCollection: true) + FingerprintSet.NativeBytes;
        await FillAsync(holder, Events);
        var after = GC.GetTotalMemory(forceFullCollection: true) + FingerprintSet.NativeBytes;
        var perEvent = (after - before) / (double)Events;
        holder.Value!.BotIds.Should().HaveCount(2);

        // The layout needs about 40 bytes per event at this size (user ids and small-bot minimums weigh more here than
        // at millions); keeping InteractionEvent objects took about 500.
        perEvent.Should().BeLessThan(64, $"the store retains {after - before:N0} bytes for {Events:N0} events");
    }

    [Fact]
    public void FingerprintTables_AreFreed_WhenTheirSetIsCollected()
    {
        // Earlier tests' sets, unreachable but perhaps not finalized yet, first.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = FingerprintSet.NativeBytes;
        var weak = FillSet(200_000);
        (FingerprintSet.NativeBytes - before).Should().BeGreaterThan(200_000L * 12, "the tables, 12 bytes per fingerprint, are outside the managed heap");

        for (var i = 0; i < 3 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        weak.IsAlive.Should().BeFalse();
        FingerprintSet.NativeBytes.Should().Be(before, "the set's finalizer gave every table back");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference FillSet(int count)
    {
        var set = new FingerprintSet();
        var random = new Random(5);
        for (var i = 0; i < count; i++)
        {
            set.Add(new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()));
        }

        return new WeakReference(set);
    }

    // A realistic log, built and appended in a method of its own so that nothing of it but the store stays reachable.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task FillAsync(StrongBox<InMemoryInteractionStore?> holder, int events)
    {
        var store = holder.Value = new InMemoryInteractionStore();
        var random = new Random(3);
        var ticks = Origin.UtcTicks;
        var batch = new List<InteractionEvent>(20_000);
        for (var i = 0; i < events; i++)
        {
            ticks += random.Next(1, 20_000) * TimeSpan.TicksPerMillisecond;
            var conversation = i / 6;
            var kind = (i % 6) switch { 0 => InteractionKind.MessageIn, 1 => InteractionKind.MessageOut, 2 => InteractionKind.ActionIn, 3 => InteractionKind.MessageOut, 4 => InteractionKind.TagHit, _ => InteractionKind.ConversationClosed };
            batch.Add(new InteractionEvent
            {
                BotId = conversation % 3 == 0 ? "bot-b" : "bot-a",
                EventId = $"c-{conversation:x8}|{i % 6:D7}",
                UserId = "u-" + ((conversation * 7919) % 5_000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture),
                ConversationId = $"c-{conversation:x8}",
                Timestamp = new DateTimeOffset(ticks, TimeSpan.Zero),
                Kind = kind,
                Channel = (conversation % 4) switch { 0 => "rtm", 1 => "slack", 2 => "msteams", _ => "whatsapp" },
                IntentMatched = kind == InteractionKind.MessageIn ? random.Next(5) > 0 : null,
                Fallback = kind == InteractionKind.MessageOut ? random.Next(10) == 0 : null,
                Tag = kind == InteractionKind.TagHit ? "billing" : null,
            });
            if (batch.Count == batch.Capacity)
            {
                await store.AppendAsync(batch);
                batch.Clear();
            }
        }

        await store.AppendAsync(batch);
    }
}
