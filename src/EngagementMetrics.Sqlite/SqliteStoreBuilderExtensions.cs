using EngagementMetrics;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the SQLite store.</summary>
public static class SqliteStoreBuilderExtensions
{
    /// <summary>
    /// Uses one <see cref="SqliteInteractionStore"/> (a singleton) on the database of <paramref name="connectionString"/>.
    /// The options are validated when the host starts (connection string, table prefix). Adds the store's health check
    /// (<see cref="SqliteStoreHealthCheck"/>, named <c>engagement-store</c>) for <c>MapHealthChecks</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddEngagementMetrics()</c>.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=engagement.db</c>.</param>
    /// <param name="configure">Optional further settings.</param>
    public static EngagementMetricsBuilder UseSqlite(this EngagementMetricsBuilder builder, string connectionString, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SqliteStoreOptions>()
            .Configure(o =>
            {
                o.ConnectionString = connectionString;
                configure?.Invoke(o);
            })
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStoreOptions>, SqliteStoreOptionsValidator>());
        StoreHealthRegistration.Register(builder.Services, sp => new SqliteStoreHealthCheck(sp.GetRequiredService<SqliteInteractionStore>()));
        return builder.UseStore(sp => new SqliteInteractionStore(sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value, sp.GetService<ILoggerFactory>()));
    }

    private sealed class SqliteStoreOptionsValidator : IValidateOptions<SqliteStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
        {
            try
            {
                _ = new SqliteInteractionStore(options);
                return ValidateOptionsResult.Success;
            }
            catch (EngagementValidationException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}
