using System.CommandLine;
using System.Globalization;
using EngagementMetrics.PostgreSql;
using Npgsql;

namespace EngagementMetrics.Cli;

/// <summary>
/// <c>engagement migrate</c>: creates or migrates a store's tables now. With <c>--shards</c>, creates the PostgreSQL
/// store sharded by bot (<see cref="PostgreSqlShardingScript"/>): the coordinator is <c>--store</c>, the shard servers
/// <c>--shards</c>; <c>--print-sql</c> prints that SQL instead of running it.
/// </summary>
internal static class Migrate
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var storeSpec = new Option<string>("--store") { Description = "The store: sqlite:PATH or postgres:CONNECTION_STRING (with --shards: the coordinator; its Search Path is the schema).", Required = true };
        var shards = new Option<string[]>("--shards") { Description = "Shard servers (postgres:CONNECTION_STRING, one or more): creates the store sharded by bot, its tables on the coordinator partitioned by hash of bot_id over these servers through postgres_fdw.", AllowMultipleArgumentsPerToken = true };
        var partitions = new Option<int>("--partitions") { Description = "Hash partitions per table, placed on the shards in turn (default: one per shard; more let a partition move to a new server later)." };
        var batchSize = new Option<int>("--fdw-batch-size") { Description = "postgres_fdw batch_size: rows per remote INSERT (default 1000).", DefaultValueFactory = _ => 1000 };
        var fetchSize = new Option<int>("--fdw-fetch-size") { Description = "postgres_fdw fetch_size: rows per remote fetch (default 1000).", DefaultValueFactory = _ => 1000 };
        var printSql = new Option<bool>("--print-sql") { Description = "With --shards: print the SQL for each server (passwords as psql variables) instead of running it; nothing is connected to." };
        var command = new Command("migrate", "Creates or migrates a store's tables now; with --shards, creates the PostgreSQL store sharded by bot over several servers.")
        {
            storeSpec, shards, partitions, batchSize, fetchSize, printSql,
        };
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, () => RunAsync(
            parse.GetValue(storeSpec)!,
            parse.GetValue(shards) ?? [],
            new PostgreSqlShardingOptions { Partitions = parse.GetValue(partitions), BatchSize = parse.GetValue(batchSize), FetchSize = parse.GetValue(fetchSize) },
            parse.GetValue(printSql),
            stdout,
            cancellationToken)));
        return command;
    }

    public static async Task<int> RunAsync(string spec, IReadOnlyList<string> shards, PostgreSqlShardingOptions options, bool printSql, TextWriter stdout, CancellationToken cancellationToken)
    {
        if (shards.Count == 0)
        {
            if (printSql)
            {
                throw new EngagementValidationException("--print-sql", "true", "--print-sql prints the SQL of a sharded store: give the shard servers with --shards");
            }

            // The store's own creation or migration, as ingest and serve do on first use.
            await using var store = await StoreSpec.OpenAsync(spec, readOnly: false, cancellationToken);
            await stdout.WriteLineAsync($"{store.Description}: the tables are at schema version {PostgreSqlInteractionStore.SchemaVersion}");
            return EngagementCli.Ok;
        }

        var coordinator = Coordinator(spec);
        var schema = new NpgsqlConnectionStringBuilder(coordinator).SearchPath?.Split(',')[0].Trim() is { Length: > 0 } first ? first : "public";
        options.Schema = schema;
        foreach (var shard in shards)
        {
            options.Shards.Add(shard.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase) ? shard["postgres:".Length..]
                : shard.StartsWith("postgresql:", StringComparison.OrdinalIgnoreCase) ? shard["postgresql:".Length..]
                : shard);
        }

        PostgreSqlShardingScript script;
        try
        {
            script = new PostgreSqlShardingScript(options);
        }
        catch (EngagementValidationException ex)
        {
            throw EngagementCli.AsOption(ex, OptionOf(ex.ParameterName), ex.Value);
        }

        if (printSql)
        {
            await stdout.WriteAsync(script.ToSql());
            return EngagementCli.Ok;
        }

        await script.ApplyAsync(coordinator, cancellationToken);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"created the sharded store on {Describe(coordinator)} (schema {schema}): {script.Partitions} partitions of every table on {shards.Count} shard servers"));
        for (var shard = 0; shard < shards.Count; shard++)
        {
            var held = Enumerable.Range(0, script.Partitions).Where(r => script.ShardOf(r) == shard);
            await stdout.WriteLineAsync($"  {Describe(options.Shards[shard])}: partitions {string.Join(", ", held)} (foreign server {script.ServerNames[shard]})");
        }

        return EngagementCli.Ok;
    }

    // host:port/database, never a password.
    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"PostgreSQL database {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}");
    }

    // The coordinator: only a postgres: store can be sharded.
    private static string Coordinator(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? spec : spec[..colon].Trim().ToLowerInvariant();
        if (kind is not ("postgres" or "postgresql"))
        {
            throw new EngagementValidationException("--store", spec, $"invalid --store '{spec}': --shards needs a PostgreSQL coordinator, postgres:CONNECTION_STRING");
        }

        var connection = spec[(colon + 1)..];
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connection);
            return connection;
        }
        catch (ArgumentException ex)
        {
            throw new EngagementValidationException("--store", "postgres:(hidden)", $"invalid --store 'postgres:(hidden)': the connection string is not valid: {ex.Message}");
        }
    }

    // The command-line option behind a sharding option's name.
    private static string OptionOf(string? parameter) => parameter switch
    {
        nameof(PostgreSqlShardingOptions.Partitions) => "--partitions",
        nameof(PostgreSqlShardingOptions.BatchSize) => "--fdw-batch-size",
        nameof(PostgreSqlShardingOptions.FetchSize) => "--fdw-fetch-size",
        nameof(PostgreSqlShardingOptions.Schema) or nameof(PostgreSqlShardingOptions.TablePrefix) => "--store",
        _ => "--shards",
    };
}
