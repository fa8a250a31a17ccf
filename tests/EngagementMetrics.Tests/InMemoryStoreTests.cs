using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

public class InMemoryStoreTests
{
    [Fact]
    public async Task Append_IsIdempotentOnBotAndEventId_WithinAndAcrossBatches()
    {
        var store = new InMemoryInteractionStore();
        var first = await store.AppendAsync([Event("a", "2025-01-01T00:00:00Z", eventId: "e1"), Event("b", "2025-01-01T00:00:00Z", eventId: "e1"), Event("c", "2025-01-01T00:00:00Z")]);
        first.Should().Be(new AppendResult(2, 1, []) { Rejected = first.Rejected });
        var second = await store.AppendAsync([Event("d", "2025-01-01T00:00:00Z", eventId: "e1"), Event("d", "2025-01-01T00:00:00Z", eventId: "e1", bot: "other")]);
        second.Stored.Should().Be(1, "the same eventId on another bot is another event");
        second.Duplicates.Should().Be(1);

        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-01"));
        trend.Summary.UniqueUsers.Should().Be(2, "a (e1) and c; b and d were duplicates of e1");
    }

    [Fact]
    public async Task Append_Strict_WithOneBadEvent_StoresNothing()
    {
        var store = new InMemoryInteractionStore();
        var batch = new[] { Event("a", "2025-01-01T00:00:00Z"), new InteractionEvent { BotId = Bot, Timestamp = Parse("2025-01-01T00:00:00Z"), Kind = InteractionKind.MessageIn } };
        var act = () => store.AppendAsync(batch).AsTask();
        var error = (await act.Should().ThrowAsync<EventBatchRejectedException>()).Which;
        error.Errors.Single().Should().Be(new EventError(1, null, "userId", "is required for kind 'message_in'"));
        (await store.OpenSnapshotAsync(Bot)).Should().BeNull();
    }

    [Fact]
    public async Task Append_Lenient_StoresTheValidEventsAndReportsTheOthers()
    {
        var store = new InMemoryInteractionStore();
        var batch = new[] { Event("a", "2025-01-01T00:00:00Z"), Event("", "2025-01-01T00:00:00Z"), Event("c", "2025-01-01T00:00:00Z") };
        var result = await store.AppendAsync(batch, AppendMode.Lenient);
        result.Stored.Should().Be(2);
        result.Rejected.Single().Index.Should().Be(1);
    }

    [Fact]
    public async Task Append_BotOfAnotherAccount_IsRejectedWithoutChangingAnything()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync([Event("a", "2025-01-01T00:00:00Z", account: "acme")]);
        var act = () => store.AppendAsync([Event("b", "2025-01-02T00:00:00Z"), Event("c", "2025-01-02T00:00:00Z", account: "evil")]).AsTask();
        (await act.Should().ThrowAsync<EventBatchRejectedException>()).Which.Errors.Single().Field.Should().Be("accountId");
        await using var snapshot = await store.OpenSnapshotAsync(Bot);
        snapshot!.UserCount.Should().Be(1);
        snapshot.AccountId.Should().Be("acme");
    }

    [Fact]
    public async Task Append_OutOfOrderEvents_AcrossManySmallChunks_ScanInTimeOrder()
    {
        var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 });
        var random = new Random(7);
        var all = Enumerable.Range(0, 2000).Select(i => Event($"u{random.Next(50)}", DateTimeOffset.UnixEpoch.AddDays(20000).AddMinutes(random.Next(60 * 24 * 10)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        foreach (var batch in all.Chunk(37))
        {
            await store.AppendAsync(batch);
        }

        await using var snapshot = await store.OpenSnapshotAsync(Bot);
        var ticks = new List<long>();
        await foreach (var b in snapshot!.ScanAsync(long.MinValue, long.MaxValue))
        {
            ticks.AddRange(b.UtcTicks.ToArray());
        }

        ticks.Should().HaveCount(2000).And.BeInAscendingOrder();
        var firstSeen = (await snapshot.GetFirstSeenAsync()).ToArray();
        firstSeen.Min().Should().Be(all.Min(e => e.Timestamp.UtcTicks));
    }

    [Fact]
    public async Task Snapshot_IsNotChangedByLaterAppends()
    {
        var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 });
        await store.AppendAsync([Event("a", "2025-01-02T00:00:00Z", conversation: "c1", kind: InteractionKind.MessageOut)]);
        await using var snapshot = await store.OpenSnapshotAsync(Bot);

        // Later: an earlier event (lowers first seen, merges), user input (interactive) and a close.
        await store.AppendAsync([Event("a", "2025-01-01T00:00:00Z", conversation: "c1"), Closed("c1", "2025-01-03T00:00:00Z"), Event("b", "2025-01-02T00:00:00Z")]);

        snapshot!.UserCount.Should().Be(1);
        (await snapshot.GetFirstSeenAsync()).Span[0].Should().Be(Parse("2025-01-02T00:00:00Z").UtcTicks);
        var facts = new ConversationFacts[1];
        await snapshot.CopyConversationFactsAsync(facts);
        facts[0].Should().Be(ConversationFacts.None);
        var count = 0;
        await foreach (var b in snapshot.ScanAsync(long.MinValue, long.MaxValue))
        {
            count += b.Count;
        }

        count.Should().Be(1);

        await using var fresh = await store.OpenSnapshotAsync(Bot);
        await fresh!.CopyConversationFactsAsync(facts);
        facts[0].Should().Be(ConversationFacts.Interactive | ConversationFacts.Closed);
        (await fresh.GetFirstSeenAsync()).Span[0].Should().Be(Parse("2025-01-01T00:00:00Z").UtcTicks);
    }

    [Fact]
    public async Task ConcurrentAppendsWhileQuerying_EveryQuerySeesWholeBatchesOnly()
    {
        // Each batch adds 10 new users on one day; any consistent snapshot therefore shows a multiple of 10.
        var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 32 });
        var engine = new EngagementEngine(store);
        await store.AppendAsync([Event("seed", "2025-01-01T00:00:00Z")]);
        var query = Query("2025-01-01", "2025-01-01");
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var b = 0; b < 50; b++)
            {
                // Deliberately out of order: late minutes go before earlier ones.
                await store.AppendAsync(Enumerable.Range(0, 10).Select(i => Event($"w{w}-b{b}-u{i}", $"2025-01-01T{23 - (b % 24):00}:{59 - i:00}:00Z")).ToList());
            }
        })).ToArray();
        var observed = new List<int>();
        while (!writers.All(t => t.IsCompleted))
        {
            var trend = await engine.GetTrendAsync(query);
            trend.Summary.NewUsers.Should().Be(trend.Summary.UniqueUsers);
            observed.Add(trend.Summary.UniqueUsers - 1);
        }

        await Task.WhenAll(writers);
        observed.Should().OnlyContain(n => n % 10 == 0);
        (await engine.GetTrendAsync(query)).Summary.UniqueUsers.Should().Be(2001);
    }

    [Fact]
    public async Task Scan_HonoursTheScanTokenAndTheEnumeratorToken()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync([Event("a", "2025-01-01T00:00:00Z")]);
        await using var snapshot = await store.OpenSnapshotAsync(Bot);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var viaScan = async () => { await foreach (var _ in snapshot!.ScanAsync(long.MinValue, long.MaxValue, cancelled.Token)) { } };
        var viaEnumerator = async () => { await foreach (var _ in snapshot!.ScanAsync(long.MinValue, long.MaxValue).WithCancellation(cancelled.Token)) { } };
        await viaScan.Should().ThrowAsync<OperationCanceledException>();
        await viaEnumerator.Should().ThrowAsync<OperationCanceledException>();
    }
}
