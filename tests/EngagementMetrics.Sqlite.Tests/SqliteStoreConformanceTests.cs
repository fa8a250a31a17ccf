using EngagementMetrics.Conformance;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Sqlite.Tests;

/// <summary>The conformance suite on SQLite files, each store in a file of its own in a temporary directory.</summary>
public sealed class SqliteStoreConformanceTests : StoreConformanceTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("em-sqlite-conformance-");

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    protected override Task<IInteractionStore> CreateStoreAsync() =>
        Task.FromResult<IInteractionStore>(new SqliteInteractionStore($"Data Source={Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + ".db")}"));
}
