using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Cli;

/// <summary>The <c>--store</c> option: <c>sqlite:PATH</c> or <c>postgres:CONNECTION_STRING</c>.</summary>
internal sealed class StoreSpec : IAsyncDisposable
{
    private StoreSpec(IInteractionStore store, string description)
    {
        Store = store;
        Description = description;
    }

    public IInteractionStore Store { get; }

    /// <summary>How messages name the store (never the connection string, which may hold a password).</summary>
    public string Description { get; }

    public static StoreSpec Open(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? spec : spec[..colon];
        var target = colon < 0 ? string.Empty : spec[(colon + 1)..];
        switch (kind.Trim().ToLowerInvariant())
        {
            case "sqlite":
                if (string.IsNullOrWhiteSpace(target))
                {
                    throw new EngagementValidationException("--store", spec, $"invalid --store '{spec}': sqlite needs a file path, e.g. sqlite:engagement.db");
                }

                return new StoreSpec(new SqliteInteractionStore($"Data Source={Path.GetFullPath(target)}"), Path.GetFileName(target));
            case "postgres":
            case "postgresql":
                try
                {
                    // The connection string's first Search Path entry, when given, is the schema of the tables.
                    var schema = new Npgsql.NpgsqlConnectionStringBuilder(target).SearchPath?.Split(',')[0].Trim() is { Length: > 0 } first ? first : "public";
                    return new StoreSpec(new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = target, Schema = schema }), $"the PostgreSQL store (schema {schema})");
                }
                catch (EngagementValidationException ex)
                {
                    throw new EngagementValidationException("--store", "postgres:(hidden)", $"invalid --store: {ex.Message}");
                }
                catch (ArgumentException ex)
                {
                    throw new EngagementValidationException("--store", "postgres:(hidden)", $"invalid --store: the connection string is not valid: {ex.Message}");
                }

            default:
                throw new EngagementValidationException("--store", spec, $"invalid --store '{spec}': expected sqlite:PATH or postgres:CONNECTION_STRING");
        }
    }

    /// <summary>Creates or migrates the store's schema now, so a server fails at start rather than on its first request.</summary>
    public ValueTask EnsureSchemaAsync(CancellationToken cancellationToken) => Store switch
    {
        SqliteInteractionStore sqlite => sqlite.EnsureSchemaAsync(cancellationToken),
        PostgreSqlInteractionStore postgres => postgres.EnsureSchemaAsync(cancellationToken),
        _ => ValueTask.CompletedTask,
    };

    public ValueTask DisposeAsync() => Store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
