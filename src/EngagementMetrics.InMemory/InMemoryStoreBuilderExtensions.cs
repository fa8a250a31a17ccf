using EngagementMetrics.InMemory;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the in-memory store.</summary>
public static class InMemoryStoreBuilderExtensions
{
    /// <summary>Uses one <see cref="InMemoryInteractionStore"/> (a singleton) as the store. Idempotent.</summary>
    /// <param name="builder">The builder from <c>AddEngagementMetrics()</c>.</param>
    /// <param name="configure">Optional store settings.</param>
    public static EngagementMetricsBuilder UseInMemoryStore(this EngagementMetricsBuilder builder, Action<InMemoryStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(_ =>
        {
            var options = new InMemoryStoreOptions();
            configure?.Invoke(options);
            return new InMemoryInteractionStore(options);
        });
    }
}
