namespace EngagementMetrics.Sqlite;

/// <summary>Settings of <see cref="SqliteInteractionStore"/>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// The Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=engagement.db</c>. The file is created when
    /// missing. Required.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Prefix of every table name (lower-case letters, digits, underscores; may be empty). Default <c>em_</c>, so the
    /// store can share a database with the host app's own tables.
    /// </summary>
    public string TablePrefix { get; set; } = "em_";

    /// <summary>
    /// True (the default) to sync the write-ahead log on every commit (<c>PRAGMA synchronous=FULL</c>), so a committed
    /// batch survives a power loss; false for <c>NORMAL</c>, which survives a process crash but may lose the last
    /// commits on power loss, and ingests faster.
    /// </summary>
    public bool SyncEveryCommit { get; set; } = true;

    /// <summary>
    /// True to only read an existing store: the file is opened with <c>Mode=ReadOnly</c> (also when the connection
    /// string says so), nothing is created, migrated or written, and appends throw
    /// <see cref="InvalidOperationException"/>. A missing file, or a file without the store's tables, fails the first
    /// read with <see cref="EngagementStoreException"/>. Default false.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// Bytes of decoded query data the store keeps between queries (every user's first-seen instant, each day's
    /// activity columns), so a repeated or overlapping query reads a few small rows instead of every blob of its
    /// period. Answers stay exact: each query still reads the bot's row in its snapshot and reuses only what provably
    /// equals the database's state (see docs/stores.md). 0 turns the cache off. Default 64 MiB.
    /// </summary>
    public long QueryCacheBytes { get; set; } = DefaultQueryCacheBytes;

    /// <summary>The default <see cref="QueryCacheBytes"/>: 64 MiB.</summary>
    public const long DefaultQueryCacheBytes = 64L * 1024 * 1024;
}
