using EngagementMetrics;
using EngagementMetrics.Engine;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
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
        services.TryAddSingleton(sp => new EngagementEngine(
            sp.GetService<IInteractionStore>() ?? throw new InvalidOperationException(
                "EngagementMetrics has no store: call UseInMemoryStore(), UseSqlite(...) or UsePostgreSql(...) on AddEngagementMetrics()."),
            sp.GetRequiredService<IOptions<EngagementMetricsOptions>>()));
        services.TryAddSingleton(sp => new StatisticsEngine(
            sp.GetService<IInteractionStore>() ?? throw new InvalidOperationException(
                "EngagementMetrics has no store: call UseInMemoryStore(), UseSqlite(...) or UsePostgreSql(...) on AddEngagementMetrics()."),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<EngagementMetricsOptions>>()));
        services.AddOptions<StatisticsThrottleOptions>();
        services.TryAddSingleton(sp => new CallThrottle(sp.GetRequiredService<TimeProvider>()));
        return new EngagementMetricsBuilder(services);
    }
}

/// <summary>Returned by <c>AddEngagementMetrics()</c>; store packages add <c>Use...</c> extensions to it.</summary>
public sealed class EngagementMetricsBuilder
{
    internal EngagementMetricsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Makes <typeparamref name="TStore"/> (a singleton) the store, replacing any store chosen before.</summary>
    public EngagementMetricsBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class, IInteractionStore
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (typeof(TStore) == typeof(IInteractionStore))
        {
            // Only the interface is known (e.g. a store chosen at run time): register the factory itself.
            Services.Replace(ServiceDescriptor.Singleton<IInteractionStore>(factory));
            return this;
        }

        Services.TryAddSingleton(factory);
        Services.Replace(ServiceDescriptor.Singleton<IInteractionStore>(sp => sp.GetRequiredService<TStore>()));
        return this;
    }
}
