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

    /// <summary>
    /// How the tables are laid out: <see cref="PostgreSqlLayout.Auto"/> (the default) follows the tables it finds, so
    /// the same settings work on one server and on the coordinator of a sharded deployment; <see cref="PostgreSqlLayout.Single"/>
    /// or <see cref="PostgreSqlLayout.Sharded"/> insist on one and fail with <see cref="EngagementStoreException"/> on the other.
    /// </summary>
    public PostgreSqlLayout Layout { get; set; } = PostgreSqlLayout.Auto;

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

/// <summary>How a PostgreSQL store's tables are laid out (see docs/scale-out.md).</summary>
public enum PostgreSqlLayout
{
    /// <summary>
    /// Follow the tables found: sharded when the bots table is partitioned, single otherwise; a database without the
    /// tables gets the single-server layout (a sharded one is created by <see cref="PostgreSqlShardingScript"/>).
    /// </summary>
    Auto = 0,

    /// <summary>Plain tables on one server, created on first use.</summary>
    Single = 1,

    /// <summary>
    /// The coordinator of a sharded deployment: every table partitioned by <c>HASH (bot_id)</c>, its partitions
    /// <c>postgres_fdw</c> foreign tables on shard servers, created beforehand by <see cref="PostgreSqlShardingScript"/>
    /// (<c>engagement migrate --shards</c>). The store never creates them: a database without them is an error.
    /// </summary>
    Sharded = 2,
}
