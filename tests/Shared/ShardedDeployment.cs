using EngagementMetrics.Conformance;
using EngagementMetrics.PostgreSql;
using Npgsql;

namespace EngagementMetrics.Tests.Sharding;

/// <summary>
/// A sharded PostgreSQL store on the three servers <c>.ci/run</c> starts (a coordinator and two shards): the tables of
/// a schema of its own, created by <see cref="PostgreSqlShardingScript"/> and dropped, with the foreign servers, when
/// disposed. Shared by the test projects that use it (linked into each).
/// </summary>
internal sealed class ShardedDeployment : IAsyncDisposable
{
    /// <summary>The coordinator's connection string.</summary>
    public const string CoordinatorVariable = "EM_POSTGRES_SHARDED_CONNECTION";

    /// <summary>The shards' connection strings, separated by '|'.</summary>
    public const string ShardsVariable = "EM_POSTGRES_SHARD_CONNECTIONS";

    /// <summary>A script that stops, starts and kills (SIGKILL) a server: <c>CTL stop|start|kill coordinator|shard1|shard2</c>.</summary>
    public const string ControlVariable = "EM_POSTGRES_SHARDS_CTL";

    /// <summary>The skip reason's hint.</summary>
    public const string Hint = "no sharded PostgreSQL deployment configured; .ci/run starts a coordinator and two shards and sets it";

    private ShardedDeployment(string schema, PostgreSqlShardingScript script)
    {
        Schema = schema;
        Script = script;
    }

    public static string Coordinator => StoreEnvironment.Require(CoordinatorVariable);

    public static IReadOnlyList<string> Shards => StoreEnvironment.Require(ShardsVariable).Split('|');

    public string Schema { get; }

    public PostgreSqlShardingScript Script { get; }

    /// <summary>The coordinator's connection string with this deployment's schema as its search path (what <c>--store postgres:</c> takes).</summary>
    public string StoreConnectionString => new NpgsqlConnectionStringBuilder(Coordinator) { SearchPath = Schema }.ConnectionString;

    public static async Task<ShardedDeployment> CreateAsync(string schemaPrefix, int partitions = 0)
    {
        var schema = schemaPrefix + Guid.NewGuid().ToString("N")[..16];
        var options = new PostgreSqlShardingOptions { Schema = schema, Partitions = partitions };
        foreach (var shard in Shards)
        {
            options.Shards.Add(shard);
        }

        var script = new PostgreSqlShardingScript(options);
        var deployment = new ShardedDeployment(schema, script);
        try
        {
            await script.ApplyAsync(Coordinator);
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }

        return deployment;
    }

    /// <summary>A store on the coordinator over this deployment's tables.</summary>
    public PostgreSqlInteractionStore CreateStore(PostgreSqlLayout layout = PostgreSqlLayout.Auto, bool readOnly = false) =>
        new(new PostgreSqlStoreOptions { ConnectionString = Coordinator, Schema = Schema, Layout = layout, ReadOnly = readOnly });

    /// <summary>Runs <c>$EM_POSTGRES_SHARDS_CTL action server</c> (stop, start or kill a server) and waits for it.</summary>
    public static async Task ControlAsync(string action, string server)
    {
        var start = new System.Diagnostics.ProcessStartInfo(StoreEnvironment.Require(ControlVariable)) { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(server);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{action} {server} failed ({process.ExitCode}): {error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        var servers = Script.ServerNames;
        await RunAsync(Coordinator, [$"DROP SCHEMA IF EXISTS {Schema} CASCADE", .. servers.Select(s => $"DROP SERVER IF EXISTS {s} CASCADE")]);
        foreach (var shard in Shards)
        {
            await RunAsync(shard, [$"DROP SCHEMA IF EXISTS {Schema} CASCADE"]);
        }
    }

    private static async Task RunAsync(string connectionString, IEnumerable<string> statements)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
