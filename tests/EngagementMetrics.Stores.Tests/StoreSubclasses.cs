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
    private readonly ThrowAwayFiles _files = new("em-sqlite-");

    public override Task DisposeAsync()
    {
        _files.DeleteAll();
        return Task.CompletedTask;
    }

    protected override Task<IInteractionStore> CreateStoreAsync() => Task.FromResult<IInteractionStore>(_files.Create());
}

/// <summary>The conformance suite on a real PostgreSQL server, each store in its own throw-away schema.</summary>
[RequiresPostgres]
public sealed class PostgreSqlStoreConformanceTests : StoreConformanceTests
{
    private readonly ThrowAwaySchemas _schemas = new("t_");

    public override Task DisposeAsync() => _schemas.DropAllAsync();

    protected override Task<IInteractionStore> CreateStoreAsync() => Task.FromResult<IInteractionStore>(_schemas.Create());
}
