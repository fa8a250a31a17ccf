namespace EngagementMetrics.PostgreSql;

/// <summary>
/// What <see cref="PostgreSqlShardingScript"/> creates: the store's tables on a coordinator, partitioned by
/// <c>HASH (bot_id)</c>, their partitions on shard servers through <c>postgres_fdw</c>. See docs/scale-out.md.
/// </summary>
public sealed class PostgreSqlShardingOptions
{
    /// <summary>The schema of the tables, on the coordinator and on every shard (as <see cref="PostgreSqlStoreOptions.Schema"/>). Default <c>public</c>.</summary>
    public string Schema { get; set; } = "public";

    /// <summary>Prefix of every table name (as <see cref="PostgreSqlStoreOptions.TablePrefix"/>). Default <c>em_</c>.</summary>
    public string TablePrefix { get; set; } = "em_";

    /// <summary>
    /// The shard servers, as Npgsql connection strings (<c>Host=10.0.0.2;Port=5432;Username=em;Password=...;Database=bots</c>),
    /// one host each. The migration connects to each with it to create the partitions, and the coordinator connects
    /// with the same host, port, database, user and password (its <c>postgres_fdw</c> server and user mapping), so the
    /// host must resolve the same from both. At least one.
    /// </summary>
    public IList<string> Shards { get; } = [];

    /// <summary>
    /// Hash partitions per table (the modulus), placed on the shards in turn: partition <c>r</c> on shard
    /// <c>r % Shards.Count</c>. More partitions than shards let a partition move to a new server later without
    /// rehashing (as Citus's shard count does). 0 (the default) means one per shard. At most 1024.
    /// </summary>
    public int Partitions { get; set; }

    /// <summary><c>postgres_fdw</c>'s <c>batch_size</c> on every shard server: rows per remote INSERT. Default 1000 (1 to 10,000).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary><c>postgres_fdw</c>'s <c>fetch_size</c> on every shard server: rows per remote fetch. Default 1000 (1 to 100,000).</summary>
    public int FetchSize { get; set; } = 1000;

    /// <summary><c>postgres_fdw</c>'s <c>async_capable</c>: a scan of several shards (the bots of an account) reads them concurrently. Default true.</summary>
    public bool AsyncCapable { get; set; } = true;
}
