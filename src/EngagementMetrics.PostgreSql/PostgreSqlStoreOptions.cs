namespace EngagementMetrics.PostgreSql;

/// <summary>Settings of <see cref="PostgreSqlInteractionStore"/>.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The Npgsql connection string, e.g. <c>Host=127.0.0.1;Username=app;Database=bots</c>. Required unless a data source is given.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema holding the tables (created when missing, unless <see cref="ReadOnly"/>). Lower-case letters, digits, underscores. Default <c>public</c>.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>Prefix of every table name (lower-case letters, digits, underscores; may be empty). Default <c>em_</c>.</summary>
    public string TablePrefix { get; set; } = "em_";

    /// <summary>
    /// True to only read an existing store: no schema or table is created, nothing is migrated or written, and appends
    /// throw <see cref="InvalidOperationException"/>. Missing tables fail the first read with
    /// <see cref="EngagementStoreException"/>. Default false.
    /// </summary>
    public bool ReadOnly { get; set; }
}
