using EngagementMetrics.Conformance;
using EngagementMetrics.Storage;
using EngagementMetrics.Tests.Sharding;

namespace EngagementMetrics.PostgreSql.Tests;

/// <summary>
/// The conformance suite through the coordinator of a sharded deployment (<c>EM_POSTGRES_SHARDED_CONNECTION</c>; .ci/run
/// starts a coordinator and two shards): each store in tables of its own, partitioned by hash of the bot over the two
/// shards through postgres_fdw, created by <see cref="PostgreSqlShardingScript"/> and dropped after the test.
/// </summary>
[RequiresEnvironmentVariable(ShardedDeployment.CoordinatorVariable, Hint = ShardedDeployment.Hint)]
public sealed class ShardedPostgreSqlStoreConformanceTests : StoreConformanceTests
{
    private readonly List<(ShardedDeployment Deployment, PostgreSqlInteractionStore Store)> _stores = [];

    public override async Task DisposeAsync()
    {
        foreach (var (deployment, store) in _stores)
        {
            await store.DisposeAsync();
            await deployment.DisposeAsync();
        }
    }

    protected override async Task<IInteractionStore> CreateStoreAsync()
    {
        // Four partitions on two shards: the conformance tests' bots land on both servers and on partitions that share one.
        var deployment = await ShardedDeployment.CreateAsync("cs_", partitions: 4);
        var store = deployment.CreateStore(PostgreSqlLayout.Sharded);
        _stores.Add((deployment, store));
        return store;
    }
}
