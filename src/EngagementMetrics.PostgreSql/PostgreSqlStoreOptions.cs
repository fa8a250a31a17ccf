namespace EngagementMetrics.PostgreSql;

/// <summary>Settings of <see cref="PostgreSqlInteractionStore"/>.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The Npgsql connection string, e.g. <c>Host=127.0.0.1;Username=app;Database=bots</c>. Required unless a data source is given.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema holding the tables (created when missing). Lower-case letters, digits, underscores. Default <c>public</c>.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>Prefix of every table name (lower-case letters, digits, underscores; may be empty). Default <c>em_</c>.</summary>
    public string TablePrefix { get; set; } = "em_";
}
