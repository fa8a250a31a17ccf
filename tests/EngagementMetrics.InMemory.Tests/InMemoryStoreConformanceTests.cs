using EngagementMetrics.Conformance;
using EngagementMetrics.InMemory;
using EngagementMetrics.Storage;

namespace EngagementMetrics.InMemory.Tests;

#region conformance-subclass
/// <summary>The conformance suite on the in-memory store, with tiny chunks so merges and chunk edges are exercised.</summary>
public sealed class InMemoryStoreConformanceTests : StoreConformanceTests
{
    protected override Task<IInteractionStore> CreateStoreAsync() =>
        Task.FromResult<IInteractionStore>(new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 }));
}
#endregion
