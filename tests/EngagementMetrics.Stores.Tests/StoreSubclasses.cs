using EngagementMetrics.InMemory;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Stores.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngagementMetrics.Stores.Tests;

/// <summary>The conformance suite on the in-memory store, with tiny chunks so merges and chunk edges are exercised.</summary>
public sealed class InMemoryStoreConformanceTests : StoreConformanceTests
{
    protected override Task<IInteractionStore> CreateStoreAsync() =>
        Task.FromResult<IInteractionStore>(new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 }));
}

/// <summary>The conformance suite on SQLite files in a temporary directory.</summary>
public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "em-sqlite-" + Guid.NewGuid().ToString("N"));

    public override Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override Task<IInteractionStore> CreateStoreAsync() =>
        Task.FromResult<IInteractionStore>(new SqliteInteractionStore($"Data Source={Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db")}"));
}

/// <summary>The conformance suite on a real PostgreSQL server, each store in its own throw-away schema.</summary>
[RequiresPostgres]
public sealed class PostgreSqlStoreConformanceTests : StoreConformanceTests
{
    private readonly List<(PostgreSqlInteractionStore Store, string Schema)> _stores = [];

    public override async Task DisposeAsync()
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
    }

    protected override Task<IInteractionStore> CreateStoreAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        var store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = PostgresServer.RequireConnectionString(), Schema = schema });
        _stores.Add((store, schema));
        return Task.FromResult<IInteractionStore>(store);
    }
}
