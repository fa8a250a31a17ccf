using EngagementMetrics.Conformance;
using EngagementMetrics.PostgreSql;
using Npgsql;

namespace EngagementMetrics.Tests.Sharding;

/// <summary>
/// A sharded PostgreSQL store on the servers <c>.ci/run</c> starts (a coordinator and two shards): the tables of a
/// schema of its own, created by <see cref="PostgreSqlShardingScript"/> and dropped, with the foreign servers, when
/// disposed. Shared by the test projects that use it (linked into each).
/// </summary>
internal sealed class ShardedDeployment : IAsyncDisposable
{
    /// <summary>The coordinator's connection string.</summary>
    public const string CoordinatorVariable = "EM_POSTGRES_SHARDED_CONNECTION";

    /// <summary>The shards' connection strings, separated by '|'.</summary>
    public const string ShardsVariable = "EM_POSTGRES_SHARD_CONNECTIONS";

    /// <summary>
    /// A script that stops, starts and kills (SIGKILL) a server, starts a throw-away one of the same kind, or prints a
    /// server's log: <c>CTL stop|start|kill|new|remove|log SERVER</c> (see .ci/postgres.sh).
    /// </summary>
    public const string ControlVariable = "EM_POSTGRES_SHARDS_CTL";

    /// <summary>The skip reason's hint.</summary>
    public const string Hint = "no sharded PostgreSQL deployment configured; .ci/run starts a coordinator and two shards and sets it";

    private ShardedDeployment(string schema, string coordinator, IReadOnlyList<string> shards, PostgreSqlShardingScript script)
    {
        Schema = schema;
        CoordinatorConnection = coordinator;
        ShardConnections = shards;
        Script = script;
    }

    /// <summary>The shared coordinator.</summary>
    public static string Coordinator => StoreEnvironment.Require(CoordinatorVariable);

    /// <summary>The shared shards.</summary>
    public static IReadOnlyList<string> Shards => StoreEnvironment.Require(ShardsVariable).Split('|');

    public string Schema { get; }

    /// <summary>This deployment's coordinator (the shared one unless another was given).</summary>
    public string CoordinatorConnection { get; }

    /// <summary>This deployment's shards.</summary>
    public IReadOnlyList<string> ShardConnections { get; }

    public PostgreSqlShardingScript Script { get; }

    /// <summary>The coordinator's connection string with this deployment's schema as its search path (what <c>--store postgres:</c> takes).</summary>
    public string StoreConnectionString => new NpgsqlConnectionStringBuilder(CoordinatorConnection) { SearchPath = Schema }.ConnectionString;

    /// <summary>Creates the tables of a new schema on <paramref name="coordinator"/> and <paramref name="shards"/> (by default the shared servers).</summary>
    public static async Task<ShardedDeployment> CreateAsync(string schemaPrefix, int partitions = 0, string? coordinator = null, IReadOnlyList<string>? shards = null)
    {
        coordinator ??= Coordinator;
        shards ??= Shards;
        var schema = NewSchema(schemaPrefix);
        var options = new PostgreSqlShardingOptions { Schema = schema, Partitions = partitions };
        foreach (var shard in shards)
        {
            options.Shards.Add(shard);
        }

        var deployment = new ShardedDeployment(schema, coordinator, shards, new PostgreSqlShardingScript(options));
        try
        {
            await deployment.Script.ApplyAsync(coordinator);
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }

        return deployment;
    }

    /// <summary>A schema name no other test uses: the prefix and 16 hex digits.</summary>
    public static string NewSchema(string prefix) => prefix + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A deployment created otherwise (by <c>engagement migrate</c>, say), for its names and its cleanup.</summary>
    public static ShardedDeployment Existing(string schema, string? coordinator = null, IReadOnlyList<string>? shards = null)
    {
        coordinator ??= Coordinator;
        shards ??= Shards;
        var options = new PostgreSqlShardingOptions { Schema = schema };
        foreach (var shard in shards)
        {
            options.Shards.Add(shard);
        }

        return new ShardedDeployment(schema, coordinator, shards, new PostgreSqlShardingScript(options));
    }

    /// <summary>A store on the coordinator over this deployment's tables.</summary>
    public PostgreSqlInteractionStore CreateStore(PostgreSqlLayout layout = PostgreSqlLayout.Auto, bool readOnly = false, long queryCacheBytes = PostgreSqlStoreOptions.DefaultQueryCacheBytes) =>
        new(new PostgreSqlStoreOptions { ConnectionString = CoordinatorConnection, Schema = Schema, Layout = layout, ReadOnly = readOnly, QueryCacheBytes = queryCacheBytes });

    /// <summary>The partition (0-based remainder) holding <paramref name="botId"/>, as the coordinator routes it.</summary>
    public async Task<int> PartitionOfAsync(string botId)
    {
        await using var connection = new NpgsqlConnection(CoordinatorConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT tableoid::regclass::text FROM {Schema}.em_bots WHERE bot_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = botId });
        var partition = (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"bot '{botId}' is not stored");
        return int.Parse(partition[(partition.LastIndexOf("_p", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The shard (index into <see cref="ShardConnections"/>) holding <paramref name="botId"/>.</summary>
    public async Task<int> ShardOfAsync(string botId) => Script.ShardOf(await PartitionOfAsync(botId));

    /// <summary>Runs <c>$EM_POSTGRES_SHARDS_CTL action server</c> and returns what it printed.</summary>
    public static async Task<string> ControlAsync(string action, string server)
    {
        var start = new System.Diagnostics.ProcessStartInfo(StoreEnvironment.Require(ControlVariable)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(server);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{action} {server} failed ({process.ExitCode}): {error}");
        }

        return (await output).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync(CoordinatorConnection, [$"DROP SCHEMA IF EXISTS {Schema} CASCADE", .. Script.ServerNames.Select(s => $"DROP SERVER IF EXISTS {s} CASCADE")]);
        foreach (var shard in ShardConnections)
        {
            await RunAsync(shard, [$"DROP SCHEMA IF EXISTS {Schema} CASCADE"]);
        }
    }

    // Best effort: a server a test stopped or removed is skipped.
    private static async Task RunAsync(string connectionString, IEnumerable<string> statements)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            foreach (var statement in statements)
            {
                await using var command = new NpgsqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (NpgsqlException)
        {
        }
    }
}
