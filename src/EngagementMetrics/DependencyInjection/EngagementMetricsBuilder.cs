using EngagementMetrics.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

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
