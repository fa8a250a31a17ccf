using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EngagementMetrics.InMemory;

/// <summary>
/// The health of an <see cref="InMemoryInteractionStore"/>: always healthy (it lives in the process), reported so that a
/// host's health endpoint names the store whichever one it uses. Added by <c>UseInMemoryStore</c> as check
/// <c>engagement-store</c>.
/// </summary>
public sealed class InMemoryStoreHealthCheck : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("in-memory store", new Dictionary<string, object> { ["store"] = "in-memory" }));
}
