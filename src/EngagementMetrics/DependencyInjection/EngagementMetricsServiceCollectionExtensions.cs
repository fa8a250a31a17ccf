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

/// <summary>Returned by <c>AddEngagementMetrics()</c>; store packages add <c>Use...</c> extensions to it.</summary>
public sealed class EngagementMetricsBuilder
{
    internal EngagementMetricsBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Makes <typeparamref name="TStore"/> (a singleton) the store, replacing any store chosen before, and registers it
    /// as <see cref="IEventHistory"/> too when it keeps whole events (the statistics need them).
    /// </summary>
    public EngagementMetricsBuilder UseStore<TStore>(Func<IServiceProvider, TStore> factory)
        where TStore : class, IInteractionStore
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (typeof(TStore) == typeof(IInteractionStore))
        {
            // Only the interface is known (e.g. a store chosen at run time): register the factory itself, and its
            // history when the store turns out to keep one.
            Services.Replace(ServiceDescriptor.Singleton<IInteractionStore>(factory));
            Services.Replace(ServiceDescriptor.Singleton<IEventHistory>(sp => sp.GetRequiredService<IInteractionStore>() as IEventHistory ?? throw new InvalidOperationException(
                $"The store ({sp.GetRequiredService<IInteractionStore>().GetType().Name}) does not keep whole events (IEventHistory), which statistics need.")));
            return this;
        }

        Services.TryAddSingleton(factory);
        Services.Replace(ServiceDescriptor.Singleton<IInteractionStore>(sp => sp.GetRequiredService<TStore>()));
        if (typeof(IEventHistory).IsAssignableFrom(typeof(TStore)))
        {
            Services.Replace(ServiceDescriptor.Singleton<IEventHistory>(sp => (IEventHistory)sp.GetRequiredService<TStore>()));
        }
        else
        {
            Services.RemoveAll<IEventHistory>();
        }

        return this;
    }
}
