using EngagementMetrics.Storage.Relational;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EngagementMetrics.PostgreSql;

/// <summary>
/// The health of a <see cref="PostgreSqlInteractionStore"/>: a round trip to the server that reads the schema version
/// (the schema is created or checked once first, as on first use). Healthy names the server, database and version;
/// Unhealthy says in one line why the store cannot be used (server unreachable or refusing, schema missing or of
/// another version), never with a password. Added by <c>UsePostgreSql</c> as check <c>engagement-store</c>.
/// </summary>
public sealed class PostgreSqlStoreHealthCheck(PostgreSqlInteractionStore store) : IHealthCheck
{
    private readonly PostgreSqlInteractionStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        StoreHealth.CheckAsync(_store.Relational, cancellationToken);
}
