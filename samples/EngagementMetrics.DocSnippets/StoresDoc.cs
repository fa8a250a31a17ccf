using Npgsql;

namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/stores.md.</summary>
internal static class StoresDoc
{
    public static void InMemory(IServiceCollection services)
    {
        #region in-memory
        services.AddEngagementMetrics().UseInMemoryStore(o => o.ChunkSize = 1 << 16);
        #endregion
    }

    public static void SqliteAndPostgreSql(IServiceCollection services, NpgsqlDataSource dataSource)
    {
        #region sqlite-and-postgresql
        // Embedded and durable: one file, created on first use.
        services.AddEngagementMetrics().UseSqlite("Data Source=engagement.db");
        
        // A server (or Citus): a connection string, or an NpgsqlDataSource the host owns.
        services.AddEngagementMetrics().UsePostgreSql("Host=db;Username=app;Database=bots", o => o.Schema = "engagement");
        services.AddEngagementMetrics().UsePostgreSql(dataSource);
        #endregion
    }

    public static void ReadOnly(IServiceCollection services, string connectionString)
    {
        #region read-only
        services.AddEngagementMetrics().UseSqlite("Data Source=/data/bots.db", o => o.ReadOnly = true);
        services.AddEngagementMetrics().UsePostgreSql(connectionString, o => { o.Schema = "engagement"; o.ReadOnly = true; });
        #endregion
    }
}

/// <summary>docs/stores.md, "Writing a store": a store answers AppendAsync with the core's pipeline.</summary>
internal abstract class WrittenStore : IAppendTarget
{
    #region append-pipeline
    public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict,
        CancellationToken cancellationToken = default) => AppendPipeline.AppendAsync(this, events, mode, cancellationToken);
    #endregion

    public abstract ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default);
}
