using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EngagementMetrics.Storage.Relational;

/// <summary>The health of a SQL store as a health check reports it: one round trip, one line either way.</summary>
internal static class StoreHealth
{
    /// <summary>The name every EngagementMetrics store's check is registered under.</summary>
    public const string CheckName = "engagement-store";

    public static async Task<HealthCheckResult> CheckAsync(RelationalInteractionStore store, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, object> { ["store"] = store.Description };
        try
        {
            return HealthCheckResult.Healthy(await store.CheckHealthAsync(cancellationToken).ConfigureAwait(false), data);
        }
        catch (Exception ex) when (ex is EngagementStoreException or DbException or IOException or InvalidOperationException or TimeoutException)
        {
            // The store's own one-line message (it names the store, never a password); a driver's error is named by it.
            // No exception object: the health service would log its stack trace for what is an expected condition.
            var message = ex is EngagementStoreException ? ex.Message : $"{store.Description}: {ex.Message}";
            return HealthCheckResult.Unhealthy(message.ReplaceLineEndings(" "), exception: null, data);
        }
    }
}
