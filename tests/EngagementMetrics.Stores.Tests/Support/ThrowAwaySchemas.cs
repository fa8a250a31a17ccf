using EngagementMetrics.PostgreSql;
using Npgsql;

namespace EngagementMetrics.Stores.Tests.Support;

/// <summary>PostgreSQL stores each in a schema of its own on the test server, all dropped by <see cref="DropAllAsync"/>.</summary>
internal sealed class ThrowAwaySchemas(string prefix)
{
    private readonly List<(PostgreSqlInteractionStore Store, string Schema)> _stores = [];

    public PostgreSqlInteractionStore Create() => Open(prefix + Guid.NewGuid().ToString("N"));

    /// <summary>A store over <paramref name="schema"/> (dropped with the others), with the query cache's capacity given or the default.</summary>
    public PostgreSqlInteractionStore Open(string schema, long queryCacheBytes = PostgreSqlStoreOptions.DefaultQueryCacheBytes)
    {
        var store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = PostgresServer.RequireConnectionString(), Schema = schema, QueryCacheBytes = queryCacheBytes });
        _stores.Add((store, schema));
        return store;
    }

    /// <summary>A new schema name for <see cref="Open"/>.</summary>
    public string NewSchema() => prefix + Guid.NewGuid().ToString("N");

    public async Task DropAllAsync()
    {
        foreach (var (store, schema) in _stores)
        {
            await using (var connection = await store.DataSource.OpenConnectionAsync())
            await using (var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await store.DisposeAsync();
        }

        _stores.Clear();
    }
}
