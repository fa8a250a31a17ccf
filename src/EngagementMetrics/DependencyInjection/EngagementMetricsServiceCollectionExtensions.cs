using EngagementMetrics;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// Extension methods on IServiceCollection live in its namespace, as the Microsoft.Extensions conventions ask.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of EngagementMetrics in a service collection.</summary>
public static class EngagementMetricsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine, its options (validated at start) and <see cref="TimeProvider.System"/> (unless one is registered).
    /// Choose a store on the returned builder: <c>.UseInMemoryStore()</c>, <c>.UseSqlite(...)</c>, ...
    /// Calling it again is harmless: registrations are added once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional options setup, run after configuration binding.</param>
    public static EngagementMetricsBuilder AddEngagementMetrics(this IServiceCollection services, Action<EngagementMetricsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EngagementMetricsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EngagementMetricsOptions>, EngagementMetricsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new EngagementEngine(Store(sp), sp.GetRequiredService<IOptions<EngagementMetricsOptions>>()));
        services.AddOptions<StatisticsThrottleOptions>();
        services.TryAddSingleton(sp => new CallThrottle(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new StatisticsEngine(
            Store(sp),
            sp.GetService<IEventHistory>() ?? throw new InvalidOperationException(
                $"The store ({Store(sp).GetType().Name}) does not keep whole events (IEventHistory), which statistics need: use UseInMemoryStore(), UseSqlite(...) or UsePostgreSql(...), or a store that implements IEventHistory."),
            sp.GetRequiredService<EngagementEngine>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CallThrottle>(),
            sp.GetRequiredService<IOptions<StatisticsThrottleOptions>>()));
        return new EngagementMetricsBuilder(services);
    }

    private static IInteractionStore Store(IServiceProvider services) =>
        services.GetService<IInteractionStore>() ?? throw new InvalidOperationException(
            "EngagementMetrics has no store: call UseInMemoryStore(), UseSqlite(...) or UsePostgreSql(...) on AddEngagementMetrics().");
}
