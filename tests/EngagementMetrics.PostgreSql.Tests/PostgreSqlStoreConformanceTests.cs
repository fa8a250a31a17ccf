using EngagementMetrics.Conformance;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Storage;
using Npgsql;

namespace EngagementMetrics.PostgreSql.Tests;

#region conformance-with-server
/// <summary>
/// The conformance suite on the PostgreSQL server named by <c>EM_POSTGRES_CONNECTION</c> (<c>.ci/run</c> starts one),
/// each store in a schema of its own, dropped after the test.
/// </summary>
[RequiresEnvironmentVariable(ConnectionVariable, Hint = "no PostgreSQL server configured; set it to an Npgsql connection string (.ci/run starts a server)")]
public sealed class PostgreSqlStoreConformanceTests : StoreConformanceTests
{
    private const string ConnectionVariable = "EM_POSTGRES_CONNECTION";
    private readonly List<(PostgreSqlInteractionStore Store, string Schema)> _stores = [];

    public override async Task DisposeAsync()
    {
        if (_stores.Count == 0)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(StoreEnvironment.Require(ConnectionVariable));
        await connection.OpenAsync();
        foreach (var (store, schema) in _stores)
        {
            await store.DisposeAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    protected override Task<IInteractionStore> CreateStoreAsync()
    {
        var schema = "c_" + Guid.NewGuid().ToString("N");
        var store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = StoreEnvironment.Require(ConnectionVariable), Schema = schema });
        _stores.Add((store, schema));
        return Task.FromResult<IInteractionStore>(store);
    }
}
#endregion
