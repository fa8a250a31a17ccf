using EngagementMetrics.Sqlite;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Stores.Tests.Support;

/// <summary>SQLite stores each in a file of its own, in a temporary directory removed by <see cref="DeleteAll"/>.</summary>
internal sealed class ThrowAwayFiles(string prefix)
{
    private readonly string _directory = Directory.CreateTempSubdirectory(prefix).FullName;

    public SqliteInteractionStore Create() =>
        new($"Data Source={NewPath()}");

    /// <summary>A new file path in the directory (not created).</summary>
    public string NewPath() => Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db");

    public void DeleteAll()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
