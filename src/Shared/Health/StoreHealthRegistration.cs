using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EngagementMetrics.Storage.Health;

/// <summary>
/// How each store's <c>Use...</c> adds its health check: one registration named <see cref="Name"/>, tagged
/// <c>engagement</c> and <c>store</c>, replacing the check of a store chosen before (the last <c>Use...</c> wins, as it
/// does for the store itself). Only the registration is added: the health service itself (which needs logging) runs
/// when the host calls <c>AddHealthChecks()</c>, so a console app that never asks for health gets nothing more.
/// </summary>
internal static class StoreHealthRegistration
{
    /// <summary>The name of the store's check.</summary>
    public const string Name = "engagement-store";

    /// <summary>The tags of the store's check (for <c>MapHealthChecks</c> predicates).</summary>
    public static readonly string[] Tags = ["engagement", "store"];

    public static void Register(IServiceCollection services, Func<IServiceProvider, IHealthCheck> check)
    {
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var earlier in options.Registrations.Where(r => r.Name == Name).ToList())
            {
                options.Registrations.Remove(earlier);
            }

            options.Registrations.Add(new HealthCheckRegistration(Name, check, failureStatus: HealthStatus.Unhealthy, Tags));
        });
    }
}
