using System.Runtime.CompilerServices;
using EngagementMetrics.Conformance;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using FluentAssertions;
using Xunit;
using Xunit.Sdk;

namespace EngagementMetrics.InMemory.Tests;

/// <summary>
/// The suite fails a store that breaks the contract: the in-memory store wrapped so that it loses one thing at a time.
/// (If these passed, the suite's green on the real stores would mean nothing.)
/// </summary>
public sealed class SuiteCatchesBrokenStoresTests
{
    [Fact]
    public async Task A_store_whose_scan_drops_the_last_event_of_each_batch_fails()
    {
        var suite = new BrokenStoreSuite(store => new Broken(store, dropLastOfBatch: true));

        var act = () => suite.Every_dst_and_offset_case_matches_the_reference();

        await act.Should().ThrowAsync<XunitException>();
    }

    [Fact]
    public async Task A_store_that_forgets_closed_conversations_fails()
    {
        var suite = new BrokenStoreSuite(store => new Broken(store, forgetClosed: true));

        var act = () => suite.Conversation_type_and_status_filters_match_the_reference();

        await act.Should().ThrowAsync<XunitException>();
    }

    [Fact]
    public async Task The_same_wrapper_passing_everything_through_passes()
    {
        var suite = new BrokenStoreSuite(store => new Broken(store));

        await suite.Every_dst_and_offset_case_matches_the_reference();
        await suite.Conversation_type_and_status_filters_match_the_reference();
    }

    // Not public: xUnit runs only the public subclasses, and these run only inside the tests above.
    private sealed class BrokenStoreSuite(Func<IInteractionStore, IInteractionStore> wrap) : StoreConformanceTests
    {
        protected override Task<IInteractionStore> CreateStoreAsync() =>
            Task.FromResult(wrap(new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 })));
    }

    private sealed class Broken(IInteractionStore inner, bool dropLastOfBatch = false, bool forgetClosed = false) : IInteractionStore
    {
        public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default) =>
            inner.AppendAsync(events, mode, cancellationToken);

        public async ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default) =>
            await inner.OpenSnapshotAsync(botId, cancellationToken) is { } snapshot ? new BrokenSnapshot(snapshot, dropLastOfBatch, forgetClosed) : null;
    }

    private sealed class BrokenSnapshot(IActivitySnapshot inner, bool dropLastOfBatch, bool forgetClosed) : IActivitySnapshot
    {
        public string BotId => inner.BotId;

        public string AccountId => inner.AccountId;

        public int UserCount => inner.UserCount;

        public int ConversationCount => inner.ConversationCount;

        public IReadOnlyList<string> Channels => inner.Channels;

        public ValueTask<ReadOnlyMemory<long>> GetFirstSeenAsync(CancellationToken cancellationToken = default) => inner.GetFirstSeenAsync(cancellationToken);

        public async ValueTask CopyConversationFactsAsync(Memory<ConversationFacts> destination, CancellationToken cancellationToken = default)
        {
            await inner.CopyConversationFactsAsync(destination, cancellationToken);
            if (forgetClosed)
            {
                foreach (ref var facts in destination.Span)
                {
                    facts &= ~ConversationFacts.Closed;
                }
            }
        }

        public IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default) =>
            ScanAsync(fromUtcTicks, toUtcTicks, ActivityColumns.All, cancellationToken);

        public async IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, ActivityColumns columns, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var batch in inner.ScanAsync(fromUtcTicks, toUtcTicks, columns, cancellationToken))
            {
                var keep = dropLastOfBatch ? Math.Max(0, batch.Count - 1) : batch.Count;
                yield return new ActivityBatch(batch.UtcTicks[..keep], batch.Users[..keep], batch.Channels[..keep], batch.Conversations[..keep]);
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
