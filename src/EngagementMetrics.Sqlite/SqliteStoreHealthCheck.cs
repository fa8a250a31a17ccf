using EngagementMetrics.Storage.Relational;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EngagementMetrics.Sqlite;

/// <summary>
/// The health of a <see cref="SqliteInteractionStore"/>: opens a connection and reads the schema version (the schema is
/// created or checked once first, as on first use). Healthy names the file and version; Unhealthy says in one line
/// why the file cannot be used (missing, not a database, unreadable, another schema version). Added by <c>UseSqlite</c>
/// as check <c>engagement-store</c>.
/// </summary>
public sealed class SqliteStoreHealthCheck(SqliteInteractionStore store) : IHealthCheck
{
    private readonly SqliteInteractionStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        StoreHealth.CheckAsync(_store.Relational, cancellationToken);
}
