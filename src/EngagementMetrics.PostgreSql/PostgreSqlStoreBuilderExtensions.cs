using EngagementMetrics;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Storage.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the PostgreSQL store.</summary>
public static class PostgreSqlStoreBuilderExtensions
{
    /// <summary>
    /// Uses one <see cref="PostgreSqlInteractionStore"/> (a singleton) on the database of <paramref name="connectionString"/>.
    /// The options are validated when the host starts (connection string, schema, table prefix). Adds the store's health
    /// check (<see cref="PostgreSqlStoreHealthCheck"/>, named <c>engagement-store</c>) for <c>MapHealthChecks</c>.
    /// </summary>
    public static EngagementMetricsBuilder UsePostgreSql(this EngagementMetricsBuilder builder, string connectionString, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        Register(builder, o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
        return builder.UseStore(sp => new PostgreSqlInteractionStore(sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value, sp.GetService<ILoggerFactory>()));
    }

    /// <summary>
    /// Uses one <see cref="PostgreSqlInteractionStore"/> over an <see cref="NpgsqlDataSource"/> the host owns (and disposes).
    /// </summary>
    public static EngagementMetricsBuilder UsePostgreSql(this EngagementMetricsBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        Register(builder, o =>
        {
            o.ConnectionString = dataSource.ConnectionString;
            configure?.Invoke(o);
        });
        return builder.UseStore(sp => new PostgreSqlInteractionStore(dataSource, sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value, sp.GetService<ILoggerFactory>()));
    }

    private static void Register(EngagementMetricsBuilder builder, Action<PostgreSqlStoreOptions> configure)
    {
        builder.Services.AddOptions<PostgreSqlStoreOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStoreOptions>, PostgreSqlStoreOptionsValidator>());
        StoreHealthRegistration.Register(builder.Services, sp => new PostgreSqlStoreHealthCheck(sp.GetRequiredService<PostgreSqlInteractionStore>()));
    }

    private sealed class PostgreSqlStoreOptionsValidator : IValidateOptions<PostgreSqlStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options)
        {
            try
            {
                PostgreSqlInteractionStore.Validate(options);
                return ValidateOptionsResult.Success;
            }
            catch (EngagementValidationException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}
