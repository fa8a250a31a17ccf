using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Tests;

/// <summary>The core's append pipeline, through a minimal store that records what it is asked to do.</summary>
public class AppendPipelineTests
{
    private static InteractionEvent Event(string bot, string? id, string? account = null, string? user = "u") => new()
    {
        BotId = bot,
        EventId = id,
        AccountId = account,
        UserId = user,
        Timestamp = new DateTimeOffset(2025, 12, 1, 10, 0, 0, TimeSpan.Zero),
        Kind = InteractionKind.MessageIn,
    };

    [Fact]
    public async Task Strict_batch_with_a_bad_event_is_refused_before_the_store_is_touched()
    {
        var store = new RecordingStore();
        var act = async () => await AppendPipeline.AppendAsync(store, [Event("b", "1"), Event("b", "2", user: null)]);

        (await act.Should().ThrowAsync<EventBatchRejectedException>()).Which.Errors.Single().Should().Be(new EventError(1, null, "userId", "is required for kind 'message_in'"));
        store.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Strict_batch_with_an_account_conflict_writes_nothing_even_for_other_bots()
    {
        var store = new RecordingStore();
        store.Accounts["b"] = "acme";
        var act = async () => await AppendPipeline.AppendAsync(store, [Event("a", "1"), Event("b", "2", account: "evil")]);

        (await act.Should().ThrowAsync<EventBatchRejectedException>()).Which.Errors.Single().Field.Should().Be("accountId");
        store.Calls.Should().Equal("begin", "lock a", "lock b", "dispose");
    }

    [Fact]
    public async Task Lenient_batch_locks_every_bot_in_order_before_writing_and_reports_by_index()
    {
        var store = new RecordingStore();
        store.Accounts["b"] = "acme";
        store.Stored.Add(("a", "old"));
        var result = await AppendPipeline.AppendAsync(
            store,
            [Event("b", "1", account: "evil"), Event("a", "x"), Event("a", "x"), Event("a", "old"), Event("b", "2"), Event("c", null, user: null)],
            AppendMode.Lenient);

        store.Calls.Should().Equal("begin", "lock a", "lock b", "write a default 2", "write b acme 1", "commit", "dispose");
        result.Stored.Should().Be(2, "a's x and b's 2");
        result.Duplicates.Should().Be(2, "a's second x within the batch, a's old already stored");
        result.Rejected.Select(e => (e.Index, e.Field)).Should().Equal((0, "accountId"), (5, "userId"));
    }

    [Fact]
    public async Task A_new_bot_belongs_to_the_account_its_first_event_names()
    {
        var store = new RecordingStore();
        var result = await AppendPipeline.AppendAsync(store, [Event("n", "1", account: "acme"), Event("n", "2"), Event("n", "3", account: "other")], AppendMode.Lenient);

        store.Calls.Should().Contain("write n acme 2");
        result.Rejected.Single().Should().Match<EventError>(e => e.Index == 2 && e.Field == "accountId");
    }

    [Fact]
    public async Task A_read_batch_comes_back_with_its_read_errors_and_the_stores_rejections_by_line_and_by_index()
    {
        var store = new RecordingStore();
        store.Accounts["b"] = "acme";
        var lines = EventJsonReader.ReadJsonLines(string.Join('\n',
            """{"eventId":"1","botId":"b","userId":"u","timestamp":"2025-12-01T00:00:00Z","kind":"message_in"}""",
            "",
            """{"eventId":"2","botId":"b","accountId":"evil","userId":"u","timestamp":"2025-12-01T00:00:00Z","kind":"message_in"}""",
            """{"eventId":"3","botId":"b","userId":"u","timestamp":"nope","kind":"message_in"}"""));
        var array = EventJsonReader.ReadJsonArray("""[{"botId":"b","accountId":"evil","userId":"u","timestamp":"2025-12-01T00:00:00Z","kind":"message_in"}, 7]"""u8);

        var fromLines = await new PipelineStore(store).AppendAsync(lines, AppendMode.Lenient);
        var fromArray = await new PipelineStore(store).AppendAsync(array, AppendMode.Lenient);
        var strict = async () => await new PipelineStore(store).AppendAsync(lines);

        fromLines.Rejected.Select(e => e.ToString()).Should().Equal(
            "line 3: accountId: bot 'b' already belongs to another account than 'evil'",
            "line 4: timestamp: 'nope' is not an RFC 3339 date-time (expected e.g. 2025-12-03T11:40:00Z)");
        fromLines.Rejected[0].Index.Should().Be(1, "the second record; the blank line is not one");
        fromArray.Rejected.Select(e => e.ToString()).Should().Equal(
            "event 0: accountId: bot 'b' already belongs to another account than 'evil'",
            "event 1: $: the element is a number, not a JSON object");
        (await strict.Should().ThrowAsync<EventBatchRejectedException>()).Which.Errors.Single().LineNumber.Should().Be(4);
    }

    [Fact]
    public async Task AppendAll_stores_every_batch_in_order_with_read_errors_by_line_and_stops_cleanly()
    {
        var lines = Enumerable.Range(1, 10).Select(i => i == 5
            ? "not json"
            : $$"""{"eventId":"e{{i}}","botId":"b","userId":"u{{i % 3}}","timestamp":"2025-12-01T0{{i % 10}}:00:00Z","kind":"message_in"}""");
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines));
        var store = new EngagementMetrics.InMemory.InMemoryInteractionStore();

        var seen = new List<(int Records, int Stored, string[] Rejected)>();
        var batches = new List<(EventReadResult Batch, EventRow[] Rows)>();
        await using (var reader = new EventStreamReader(new MemoryStream(bytes), new EventReaderOptions { BatchSize = 3 }))
        {
            await foreach (var (batch, result) in store.AppendAllAsync(reader))
            {
                seen.Add((batch.RecordCount, result.Stored, [.. result.Rejected.Select(e => e.ToString())]));
                batch.Events.Should().NotBeEmpty().And.OnlyContain(e => e.BotId == "b", "a batch's events are readable until the enumeration moves on");
                batches.Add((batch, ((EventColumns)batch.Events).Batch.Rows));
            }
        }

        // Once the enumeration moved on, a batch's events are released (their storage went to a later batch at once):
        // reading them is a clear error, never a later batch's events. Its counts and errors stay.
        var first = batches[0].Batch;
        first.Invoking(b => b.Events[0]).Should().Throw<ObjectDisposedException>().WithMessage("*released when AppendAllAsync moved on*");
        first.Invoking(b => b.Positions[0]).Should().Throw<ObjectDisposedException>();
        first.RecordCount.Should().Be(3);
        batches[1].Batch.Errors.Should().ContainSingle().Which.LineNumber.Should().Be(5);
        batches.Select(b => b.Rows).Distinct().Should().HaveCountLessThanOrEqualTo(2, "each batch is read after the one before the last was released: two storages serve them all (one, when the read ahead starts late)");

        seen.Select(s => s.Records).Should().Equal(3, 3, 3, 1);
        seen.Sum(s => s.Stored).Should().Be(9);
        seen.SelectMany(s => s.Rejected).Should().ContainSingle().Which.Should().StartWith("line 5: $: malformed JSON");

        // Stopping after the first batch leaves the reader idle (the read-ahead finished), so it can be disposed at once.
        var again = new EngagementMetrics.InMemory.InMemoryInteractionStore();
        await using var second = new EventStreamReader(new MemoryStream(bytes), new EventReaderOptions { BatchSize = 3 });
        await foreach (var ingested in again.AppendAllAsync(second))
        {
            ingested.Result.Stored.Should().Be(3);
            break;
        }

        second.RecordsRead.Should().Be(6, "one batch was stored and exactly one more was read ahead");
    }

    [Fact]
    public async Task Columns_and_event_objects_of_the_same_batch_are_stored_alike()
    {
        // The reader's columns go through the pipeline's columnar path (duplicates found on the ids' bytes, the in-memory
        // store reading columns); the same events as objects go through the general path. Same results, same store.
        var lines = string.Join('\n',
            """{"eventId":"1","botId":"b","accountId":"acme","userId":"u","conversationId":"c","timestamp":"2025-12-01T00:00:00Z","kind":"message_in","intentMatched":true}""",
            """{"eventId":"1","botId":"b","userId":"v","timestamp":"2025-12-01T00:00:01Z","kind":"message_in"}""",
            """{"eventId":"1","botId":"other","userId":"u","timestamp":"2025-12-01T00:00:02Z","kind":"message_out","fallback":false}""",
            """{"eventId":"2","botId":"b","accountId":"evil","userId":"u","timestamp":"2025-12-01T00:00:03Z","kind":"message_in"}""",
            """{"eventId":"Zoë ✓","botId":"b","userId":"u","conversationId":"c","timestamp":"2025-12-01T00:00:04+05:30","kind":"goal_reached","goal":"signup"}""",
            """{"eventId":"Zoë ✓","botId":"b","userId":"u","timestamp":"2025-12-01T00:00:05Z","kind":"conversation_closed"}""",
            """{"botId":"b","userId":"w","timestamp":"2025-11-30T23:00:00Z","kind":"action_in","channel":"Slack"}""");
        var columnsStore = new EngagementMetrics.InMemory.InMemoryInteractionStore();
        var objectsStore = new EngagementMetrics.InMemory.InMemoryInteractionStore();
        var recording = new RecordingStore();
        await using var reader = new EventStreamReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(lines)));
        var batch = (await reader.ReadBatchAsync())!;
        batch.Events.Should().BeOfType<EventColumns>();

        var fromColumns = await columnsStore.AppendAsync(batch.Events, AppendMode.Lenient);
        var fromObjects = await objectsStore.AppendAsync(batch.Events.ToList(), AppendMode.Lenient);
        var toObjectStore = await AppendPipeline.AppendAsync(recording, batch.Events, AppendMode.Lenient);

        fromColumns.Stored.Should().Be(4);
        fromColumns.Duplicates.Should().Be(2);
        fromColumns.Should().BeEquivalentTo(fromObjects);
        toObjectStore.Should().BeEquivalentTo(fromObjects);
        recording.Calls.Should().Equal("begin", "lock b", "lock other", "write b acme 3", "write other default 1", "commit", "dispose");
        foreach (var bot in new[] { "b", "other" })
        {
            var a = await columnsStore.ReadEventsAsync(bot, 0, long.MaxValue);
            var o = await objectsStore.ReadEventsAsync(bot, 0, long.MaxValue);
            a.Should().Equal(o);
        }

        // Appending the batch again: every id is now a duplicate, found from the bytes and from the strings alike.
        (await columnsStore.AppendAsync(batch.Events, AppendMode.Lenient)).Stored.Should().Be(1, "the event without an id");
        (await objectsStore.AppendAsync(batch.Events, AppendMode.Lenient)).Stored.Should().Be(1, "the fingerprint of a string id is its bytes'");
    }

    [Fact]
    public async Task A_columnar_write_that_is_not_committed_leaves_no_id_behind()
    {
        var store = new EngagementMetrics.InMemory.InMemoryInteractionStore();
        var lines = string.Join('\n', Enumerable.Range(0, 500).Select(i => $$"""{"eventId":"e{{i}}","botId":"b","userId":"u{{i % 7}}","timestamp":"2025-12-01T00:00:00Z","kind":"message_in"}"""));
        await using var reader = new EventStreamReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(lines)));
        var columns = (EventColumns)(await reader.ReadBatchAsync())!.Events;

        await using (var transaction = (IColumnarAppendTransaction)await store.BeginAppendAsync())
        {
            (await transaction.LockBotAsync("b")).Should().BeNull();
            (await transaction.WriteColumnsAsync("b", "default", columns)).Should().Be(0);
        }

        (await store.OpenSnapshotAsync("b")).Should().BeNull();
        (await store.AppendAsync(columns)).Stored.Should().Be(500);
        (await store.AppendAsync(columns)).Duplicates.Should().Be(500);
    }

    [Fact]
    public async Task A_transaction_that_finds_repeated_ids_itself_gets_them_and_counts_them_as_duplicates()
    {
        // The in-memory store says it finds ids repeated within a write (FindsRepeatedIds), so the pipeline hands it
        // every accepted event: the first of each id is stored, the later ones are duplicates, as when the pipeline
        // clears them; an uncommitted write of repeated ids forgets every one of them.
        var store = new EngagementMetrics.InMemory.InMemoryInteractionStore();
        var lines = string.Join('\n', Enumerable.Range(0, 300).Select(i => $$"""{"eventId":"e{{i % 100}}","botId":"b","userId":"u{{i % 7}}","timestamp":"2025-12-01T00:00:{{i % 60:00}}Z","kind":"message_in"}"""));
        await using var reader = new EventStreamReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(lines)));
        var columns = (EventColumns)(await reader.ReadBatchAsync())!.Events;

        await using (var transaction = (IColumnarAppendTransaction)await store.BeginAppendAsync())
        {
            transaction.FindsRepeatedIds.Should().BeTrue();
            (await transaction.LockBotAsync("b")).Should().BeNull();
            (await transaction.WriteColumnsAsync("b", "default", columns)).Should().Be(200);
        }

        (await store.OpenSnapshotAsync("b")).Should().BeNull();
        var result = await store.AppendAsync(columns);
        (result.Stored, result.Duplicates).Should().Be((100, 200));
        var stored = await store.ReadEventsAsync("b", long.MinValue, long.MaxValue);
        stored.Select(e => e.Timestamp.Second).Order().Should().Equal(Enumerable.Range(0, 100).Select(i => i % 60).Order(), "the first event of each id is the one stored");
        (await store.AppendAsync(columns)).Duplicates.Should().Be(300);
    }

    [Fact]
    public async Task A_batch_locking_transaction_gets_every_bot_s_lock_first_in_ordinal_order_from_objects_and_columns()
    {
        var objects = new RecordingStore { LocksFirst = true };
        var columns = new RecordingStore { LocksFirst = true };
        var lines = string.Join('\n', new[] { "b", "a", "B", "a" }.Select((bot, i) => $$"""{"eventId":"e{{i}}","botId":"{{bot}}","userId":"u","timestamp":"2025-12-01T00:00:00Z","kind":"message_in"}"""));
        await using var reader = new EventStreamReader(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(lines)));
        var batch = (EventColumns)(await reader.ReadBatchAsync())!.Events;

        await AppendPipeline.AppendAsync(objects, [Event("b", "1"), Event("a", "2"), Event("B", "3"), Event("a", "4")]);
        await AppendPipeline.AppendAsync(columns, batch);

        string[] expected = ["begin", "lock all B a b", "lock B", "lock a", "lock b", "write B default 1", "write a default 2", "write b default 1", "commit", "dispose"];
        objects.Calls.Should().Equal(expected);
        columns.Calls.Should().Equal(expected);
    }

    /// <summary>A store as a third party would write it: IInteractionStore answered by the pipeline.</summary>
    private sealed class PipelineStore(RecordingStore target) : IInteractionStore
    {
        public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default) =>
            AppendPipeline.AppendAsync(target, events, mode, cancellationToken);

        public ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class RecordingStore : IAppendTarget
    {
        public List<string> Calls { get; } = [];

        public Dictionary<string, string> Accounts { get; } = [];

        public HashSet<(string Bot, string Id)> Stored { get; } = [];

        /// <summary>Its transactions implement <see cref="IBatchLockingAppendTransaction"/>.</summary>
        public bool LocksFirst { get; init; }

        public ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default)
        {
            Calls.Add("begin");
            return new ValueTask<IAppendTransaction>(LocksFirst ? new LockingTransaction(this) : new Transaction(this));
        }

        private sealed class LockingTransaction(RecordingStore store) : Transaction(store), IBatchLockingAppendTransaction
        {
            public ValueTask LockBotsAsync(IReadOnlyList<string> botIds, CancellationToken cancellationToken = default)
            {
                Store.Calls.Add("lock all " + string.Join(' ', botIds));
                return ValueTask.CompletedTask;
            }
        }

        private class Transaction(RecordingStore store) : IAppendTransaction
        {
            protected RecordingStore Store => store;

            public ValueTask<string?> LockBotAsync(string botId, CancellationToken cancellationToken = default)
            {
                store.Calls.Add("lock " + botId);
                return new ValueTask<string?>(store.Accounts.GetValueOrDefault(botId));
            }

            public ValueTask<int> WriteAsync(string botId, string accountId, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default)
            {
                var duplicates = events.Count(e => e.EventId is { } id && !store.Stored.Add((botId, id)));
                store.Calls.Add($"write {botId} {accountId} {events.Count}");
                store.Accounts.TryAdd(botId, accountId);
                return new ValueTask<int>(duplicates);
            }

            public ValueTask CommitAsync(CancellationToken cancellationToken = default)
            {
                store.Calls.Add("commit");
                return ValueTask.CompletedTask;
            }

            public ValueTask DisposeAsync()
            {
                store.Calls.Add("dispose");
                return ValueTask.CompletedTask;
            }
        }
    }
}
