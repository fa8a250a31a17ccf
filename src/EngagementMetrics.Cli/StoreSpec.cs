using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

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

    /// <summary>
    /// Opens the store of a <c>--store</c> value and checks it now, so a bad target is one clear error before any work:
    /// a writable store creates or migrates its schema; a read-only one (the query commands) creates and writes
    /// nothing and requires an existing store. <paramref name="queryCacheBytes"/> is the SQL store's query cache (0, the
    /// default, for one-shot commands, which ask one question; <c>serve</c> keeps one).
    /// </summary>
    /// <exception cref="EngagementValidationException">The value is malformed, or the database cannot be opened, reached or
    /// used (the message starts with <c>invalid --store:</c> and names it).</exception>
    public static async Task<StoreSpec> OpenAsync(string spec, bool readOnly, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null, long queryCacheBytes = 0)
    {
        var opened = Open(spec, readOnly, loggerFactory, queryCacheBytes);
        try
        {
            await opened.EnsureSchemaAsync(cancellationToken);
            return opened;
        }
        catch (EngagementStoreException ex)
        {
            // The store cannot be used (not a database, missing, unreachable, newer schema): the message names it.
            await opened.DisposeAsync();
            throw new EngagementValidationException("--store", opened.Description, $"invalid --store: {ex.Message}");
        }
        catch
        {
            await opened.DisposeAsync();
            throw;
        }
    }

    private static StoreSpec Open(string spec, bool readOnly, ILoggerFactory? loggerFactory, long queryCacheBytes)
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

                // A path, never connection-string text: the builder quotes whatever the path holds (';', '=', ...).
                var connection = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(target) }.ToString();
                return new StoreSpec(new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = connection, ReadOnly = readOnly, QueryCacheBytes = queryCacheBytes }, loggerFactory), Path.GetFileName(target));
            case "postgres":
            case "postgresql":
                try
                {
                    // The connection string's first Search Path entry, when given, is the schema of the tables.
                    var schema = new Npgsql.NpgsqlConnectionStringBuilder(target).SearchPath?.Split(',')[0].Trim() is { Length: > 0 } first ? first : "public";
                    return new StoreSpec(new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = target, Schema = schema, ReadOnly = readOnly, QueryCacheBytes = queryCacheBytes }, loggerFactory), $"the PostgreSQL store (schema {schema})");
                }
                catch (EngagementValidationException ex)
                {
                    throw new EngagementValidationException("--store", "postgres:(hidden)", $"invalid --store 'postgres:(hidden)': {ex.Message}");
                }
                catch (ArgumentException ex)
                {
                    throw new EngagementValidationException("--store", "postgres:(hidden)", $"invalid --store 'postgres:(hidden)': the connection string is not valid: {ex.Message}");
                }

            default:
                throw new EngagementValidationException("--store", spec, $"invalid --store '{spec}': expected sqlite:PATH or postgres:CONNECTION_STRING");
        }
    }

    // Creates or migrates the schema (read-only: checks it), so a bad store fails now rather than half way.
    private ValueTask EnsureSchemaAsync(CancellationToken cancellationToken) => Store switch
    {
        SqliteInteractionStore sqlite => sqlite.EnsureSchemaAsync(cancellationToken),
        PostgreSqlInteractionStore postgres => postgres.EnsureSchemaAsync(cancellationToken),
        _ => ValueTask.CompletedTask,
    };

    public ValueTask DisposeAsync() => Store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}
