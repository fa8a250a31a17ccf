using System.Globalization;
using EngagementMetrics.InMemory;
using EngagementMetrics.Storage.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the in-memory store.</summary>
public static class InMemoryStoreBuilderExtensions
{
    /// <summary>
    /// Uses one <see cref="InMemoryInteractionStore"/> (a singleton) as the store. Its options
    /// (<see cref="InMemoryStoreOptions"/>) go through <c>IOptions</c>, so configuration can bind them, and are validated
    /// when the host starts. Adds the store's health check (<see cref="InMemoryStoreHealthCheck"/>, named
    /// <c>engagement-store</c>). Idempotent.
    /// </summary>
    /// <param name="builder">The builder from <c>AddEngagementMetrics()</c>.</param>
    /// <param name="configure">Optional store settings.</param>
    public static EngagementMetricsBuilder UseInMemoryStore(this EngagementMetricsBuilder builder, Action<InMemoryStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<InMemoryStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryStoreOptions>, InMemoryStoreOptionsValidator>());
        StoreHealthRegistration.Register(builder.Services, _ => new InMemoryStoreHealthCheck());
        return builder.UseStore(sp => new InMemoryInteractionStore(sp.GetRequiredService<IOptions<InMemoryStoreOptions>>().Value));
    }

    private sealed class InMemoryStoreOptionsValidator : IValidateOptions<InMemoryStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, InMemoryStoreOptions options) =>
            options.ChunkSize is >= InMemoryStoreOptions.MinChunkSize and <= InMemoryStoreOptions.MaxChunkSize
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(string.Create(
                    CultureInfo.InvariantCulture,
                    $"InMemoryStoreOptions.ChunkSize {options.ChunkSize} is out of range: expected {InMemoryStoreOptions.MinChunkSize:N0} to {InMemoryStoreOptions.MaxChunkSize:N0}."));
    }
}
