using EngagementMetrics.PostgreSql;

namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/scale-out.md.</summary>
internal static class ScaleOutDoc
{
    public static async Task CreateAsync(string coordinator)
    {
        #region create-sharded
        // What `engagement migrate --shards` runs: the shards' tables first, then the coordinator's, each in a transaction.
        var options = new PostgreSqlShardingOptions { Schema = "engagement", Partitions = 8 };
        options.Shards.Add("Host=shard1.internal;Username=em;Password=...;Database=bots");
        options.Shards.Add("Host=shard2.internal;Username=em;Password=...;Database=bots");
        var script = new PostgreSqlShardingScript(options);
        Console.WriteLine(script.ToSql());            // or review it first: the SQL of every server
        await script.ApplyAsync(coordinator);         // "Host=coordinator.internal;Username=em;Password=...;Database=bots"
        #endregion
    }

    public static void Register(IServiceCollection services)
    {
        #region use-sharded
        // The app connects to the coordinator only. Layout.Auto (the default) finds the sharded tables on its own;
        // Layout.Sharded also refuses a coordinator where they were never created.
        services.AddEngagementMetrics().UsePostgreSql(
            "Host=coordinator.internal;Username=app;Password=...;Database=bots",
            o => { o.Schema = "engagement"; o.Layout = PostgreSqlLayout.Sharded; });
        #endregion
    }
}
