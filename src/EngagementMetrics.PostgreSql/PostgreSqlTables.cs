using System.Globalization;
using EngagementMetrics.Storage.Relational;

namespace EngagementMetrics.PostgreSql;

/// <summary>
/// The store's tables as data, so that one definition gives the single-server schema, the shard servers' partitions
/// and the coordinator's partitioned tables of a sharded deployment (<see cref="PostgreSqlShardingScript"/>).
/// </summary>
/// <remarks>
/// Schema version 2 and 3 (the same tables): every table keyed by bot first, so it distributes by <c>bot_id</c>; event
/// ids only for idempotency; events in compact day segments.
/// </remarks>
internal static class PostgreSqlTables
{
    /// <summary>One table of the store, by its unprefixed name (<c>bots</c>, <c>event_ids</c>, ...).</summary>
    /// <param name="Name">The table's name without schema and prefix.</param>
    /// <param name="Columns">Column definitions, in order.</param>
    /// <param name="PrimaryKey">The primary key's columns (always starting with <c>bot_id</c>).</param>
    /// <param name="UniqueOrdinal">True when <c>(bot_id, ordinal)</c> is unique too (users, conversations).</param>
    /// <param name="ExternalColumns">Blob columns stored out of line without compression.</param>
    internal sealed record Table(string Name, string Columns, string PrimaryKey, bool UniqueOrdinal = false, string[]? ExternalColumns = null);

    public static readonly IReadOnlyList<Table> All =
    [
        new("bots", "bot_id text NOT NULL, account_id text NOT NULL, user_count integer NOT NULL, channel_count integer NOT NULL, label_count integer NOT NULL, conversation_count integer NOT NULL, event_count bigint NOT NULL, segment_seq bigint NOT NULL", "bot_id"),
        new("event_ids", "bot_id text NOT NULL, event_id text NOT NULL", "bot_id, event_id"),
        new("users", "bot_id text NOT NULL, user_id text NOT NULL, ordinal integer NOT NULL, first_seen bigint NOT NULL", "bot_id, user_id", UniqueOrdinal: true),
        new("first_seen", "bot_id text NOT NULL, page integer NOT NULL, ticks bytea NOT NULL", "bot_id, page", ExternalColumns: ["ticks"]),
        new("channels", "bot_id text NOT NULL, channel text NOT NULL, ordinal integer NOT NULL", "bot_id, channel"),
        new("labels", "bot_id text NOT NULL, label text NOT NULL, ordinal integer NOT NULL", "bot_id, label"),
        new("conversations", "bot_id text NOT NULL, conversation_id text NOT NULL, ordinal integer NOT NULL, interactive boolean NOT NULL, closed boolean NOT NULL, first_day integer NOT NULL, last_day integer NOT NULL", "bot_id, conversation_id", UniqueOrdinal: true),
        new("activity", "bot_id text NOT NULL, day integer NOT NULL, segment bigint NOT NULL, event_count integer NOT NULL, min_ticks bigint NOT NULL, max_ticks bigint NOT NULL, core bytea NOT NULL, dims bytea NOT NULL", "bot_id, day, segment", ExternalColumns: ["core", "dims"]),
        new("history", "bot_id text NOT NULL, day integer NOT NULL, segment bigint NOT NULL, event_count integer NOT NULL, body bytea NOT NULL", "bot_id, day, segment"),
    ];

    /// <summary>The name of partition <paramref name="remainder"/> of a table: <c>{prefix}{table}_p{remainder}</c>.</summary>
    public static string Partition(RelationalNames names, Table table, int remainder) =>
        string.Create(CultureInfo.InvariantCulture, $"{names.Prefix}{table.Name}_p{remainder}");

    /// <summary>The schema-qualified name of a table.</summary>
    public static string Qualified(RelationalNames names, string table) => names.Schema is { } schema ? $"{schema}.{table}" : table;

    /// <summary>The single-server schema: every table with its keys.</summary>
    public static IReadOnlyList<string> SingleServer(RelationalNames names) => [.. All.SelectMany(table => Create(names, table, names.Prefix + table.Name, ifNotExists: false))];

    /// <summary>
    /// A table with its primary key, unique ordinal index and storage settings, named <paramref name="name"/> (the
    /// table itself on one server, a partition on a shard server).
    /// </summary>
    public static IEnumerable<string> Create(RelationalNames names, Table table, string name, bool ifNotExists)
    {
        var qualified = Qualified(names, name);
        var create = ifNotExists ? "CREATE TABLE IF NOT EXISTS" : "CREATE TABLE";
        yield return $"{create} {qualified} ({table.Columns}, PRIMARY KEY ({table.PrimaryKey}))";
        if (table.UniqueOrdinal)
        {
            // The index is named after the table it indexes: {prefix}users_ordinal, {prefix}users_p0_ordinal.
            var index = name == names.Prefix + table.Name ? $"{names.Prefix}{table.Name}_ordinal" : $"{name}_ordinal";
            yield return $"CREATE UNIQUE INDEX{(ifNotExists ? " IF NOT EXISTS" : string.Empty)} {index} ON {qualified} (bot_id, ordinal)";
        }

        if (table.ExternalColumns is { } external)
        {
            // The segments are already compact (varint deltas, narrow columns): pglz compression saves little of them and
            // costs every query a decompression, so the blobs a query reads are stored out of line uncompressed.
            yield return $"ALTER TABLE {qualified} {string.Join(", ", external.Select(static c => $"ALTER COLUMN {c} SET STORAGE EXTERNAL"))}";
        }
    }
}
