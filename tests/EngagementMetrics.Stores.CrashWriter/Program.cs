using System.Globalization;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Stores.CrashWriter;
using Npgsql;

// The writer process of the kill -9 durability tests: commits one batch, then starts a huge one and is killed inside it.
// Usage: CrashWriter sqlite DATABASE_FILE COMMITTED_EVENTS DOOMED_EVENTS
//        CrashWriter postgres SCHEMA COMMITTED_EVENTS DOOMED_EVENTS
// PostgreSQL: the server is EM_POSTGRES_CONNECTION; the writer's sessions carry application_name em-crash-SCHEMA.
if (args.Length != 4 || args[0] is not ("sqlite" or "postgres"))
{
    await Console.Error.WriteLineAsync("usage: CrashWriter sqlite|postgres DATABASE_FILE|SCHEMA COMMITTED_EVENTS DOOMED_EVENTS");
    return 2;
}

var committed = int.Parse(args[2], CultureInfo.InvariantCulture);
var doomed = int.Parse(args[3], CultureInfo.InvariantCulture);
IInteractionStore store;
if (args[0] == "sqlite")
{
    store = new SqliteInteractionStore($"Data Source={args[1]}");
}
else
{
    var connection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("EM_POSTGRES_CONNECTION")
        ?? throw new InvalidOperationException("EM_POSTGRES_CONNECTION is not set"))
    {
        ApplicationName = CrashBatch.ApplicationName(args[1]),
    };
    store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = connection.ConnectionString, Schema = args[1] });
}

await store.AppendAsync(CrashBatch.Create("a", committed));
Console.WriteLine("committed 1");
var big = CrashBatch.Create("b", doomed);
Console.WriteLine("started 2");
await store.AppendAsync(big);
Console.WriteLine("committed 2");
return 0;
