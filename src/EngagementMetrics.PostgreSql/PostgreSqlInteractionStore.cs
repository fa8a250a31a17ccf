using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Data.Common;
using EngagementMetrics.Storage;
using EngagementMetrics.Storage.Relational;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace EngagementMetrics.PostgreSql;

/// <summary>
/// An <see cref="IInteractionStore"/> in PostgreSQL: events ingested with binary COPY, activity kept as compact
/// time-ordered segments, trends answered exactly as the in-memory store does.
/// </summary>
/// <remarks>
/// <para>The store creates and migrates its tables on first use; a read-only store
/// (<see cref="PostgreSqlStoreOptions.ReadOnly"/>) creates no schema or table, migrates nothing, refuses appends, and
/// fails with <see cref="EngagementStoreException"/> when the tables are missing. An unreachable server, or one that
/// refuses the connection, fails with <see cref="EngagementStoreException"/> too. An append is one transaction that first takes a
/// transaction-scoped advisory lock per bot, so concurrent writers (any process) never store an event id twice or
/// hand out an ordinal twice. Snapshots are REPEATABLE READ, read-only transactions.</para>
/// <para>Every table's key starts with <c>bot_id</c> and every statement filters on one bot, so the tables can be
/// distributed by <c>bot_id</c> (Citus); see docs/stores.md.</para>
/// <para>Thread-safe; register one instance (a singleton). It owns the data source it builds from a connection
/// string, not one passed in.</para>
/// </remarks>
public sealed class PostgreSqlInteractionStore : IInteractionStore, IAppendTarget, IEventHistory, IAsyncDisposable
{
    private readonly Store _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>Creates a store over the database of <paramref name="options"/>.</summary>
    /// <exception cref="EngagementValidationException">The connection string is empty or malformed, or the schema or prefix is not a valid identifier.</exception>
    public PostgreSqlInteractionStore(PostgreSqlStoreOptions options)
        : this(options, loggerFactory: null)
    {
    }

    /// <summary>
    /// Creates the store described by <paramref name="options"/>, logging to <paramref name="loggerFactory"/> (category
    /// <c>EngagementMetrics.PostgreSql.PostgreSqlInteractionStore</c>): schema creation at Information, a refused schema at Error.
    /// </summary>
    public PostgreSqlInteractionStore(PostgreSqlStoreOptions options, ILoggerFactory? loggerFactory)
        : this(CreateDataSource(options), options, ownsDataSource: true, loggerFactory)
    {
    }

    /// <summary>Creates a store over an existing data source (not disposed by the store).</summary>
    public PostgreSqlInteractionStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options = null)
        : this(dataSource, options, loggerFactory: null)
    {
    }

    /// <summary>Creates a store over an existing data source (not disposed by the store), logging to <paramref name="loggerFactory"/>.</summary>
    public PostgreSqlInteractionStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions? options, ILoggerFactory? loggerFactory)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), options ?? new PostgreSqlStoreOptions(), ownsDataSource: false, loggerFactory)
    {
    }

    private PostgreSqlInteractionStore(NpgsqlDataSource dataSource, PostgreSqlStoreOptions options, bool ownsDataSource, ILoggerFactory? loggerFactory)
    {
        ValidateLayout(options.Layout);
        QueryCache.ValidateCapacity(options.QueryCacheBytes);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _store = new Store(
            dataSource,
            new RelationalNames(options.Schema, options.TablePrefix, nameof(PostgreSqlStoreOptions.Schema), nameof(PostgreSqlStoreOptions.TablePrefix)),
            Describe(dataSource.ConnectionString),
            options.ReadOnly,
            options.Layout,
            options.QueryCacheBytes)
        {
            Logger = (ILogger?)loggerFactory?.CreateLogger<PostgreSqlInteractionStore>() ?? NullLogger.Instance,
        };
    }

    /// <summary>The schema version this library writes.</summary>
    public static int SchemaVersion => RelationalInteractionStore.SchemaVersion;

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(IReadOnlyList<Events.InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default) =>
        AppendPipeline.AppendAsync(this, events, mode, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default)
    {
        var transaction = await _store.BeginAppendAsync(cancellationToken).ConfigureAwait(false);
        return _store.Sharded ? new ShardedAppendTransaction(_store, transaction) : transaction;
    }

    /// <inheritdoc />
    public async ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default)
    {
        try
        {
            var snapshot = await _store.OpenSnapshotAsync(botId, cancellationToken).ConfigureAwait(false);
            return snapshot is not null && _store.Sharded ? new ShardedSnapshot(_store, snapshot) : snapshot;
        }
        catch (PostgresException ex) when (_store.ShardFailure(ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <inheritdoc />
    /// <remarks>The one read that is not about one bot: on a sharded store it reads the bots table of every shard.</remarks>
    public async ValueTask<IReadOnlyList<string>> GetBotIdsAsync(string accountId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _store.GetBotIdsAsync(accountId, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (_store.ShardFailure(ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Events.InteractionEvent>> ReadEventsAsync(string botId, long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _store.ReadEventsAsync(botId, fromUtcTicks, toUtcTicks, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (_store.ShardFailure(ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Creates or migrates the tables now instead of on first use; on a read-only store, checks now that they exist at
    /// this library's version.
    /// </summary>
    /// <exception cref="EngagementStoreException">The server cannot be reached or refuses the connection; the database
    /// holds a newer schema than this library understands; or, read-only, the tables are missing.</exception>
    public ValueTask EnsureSchemaAsync(CancellationToken cancellationToken = default) => _store.EnsureSchemaAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    internal RelationalNames Names => _store.Names;

    internal RelationalInteractionStore Relational => _store;

    internal NpgsqlDataSource DataSource => _dataSource;

    internal static void Validate(PostgreSqlStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new EngagementValidationException(nameof(PostgreSqlStoreOptions.ConnectionString), options.ConnectionString, "ConnectionString is required, e.g. 'Host=127.0.0.1;Username=app;Database=bots'");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new EngagementValidationException(nameof(PostgreSqlStoreOptions.ConnectionString), "(hidden)", $"ConnectionString is not valid: {ex.Message}");
        }

        _ = new RelationalNames(options.Schema, options.TablePrefix, nameof(PostgreSqlStoreOptions.Schema), nameof(PostgreSqlStoreOptions.TablePrefix));
        ValidateLayout(options.Layout);
        QueryCache.ValidateCapacity(options.QueryCacheBytes);
    }

    private static void ValidateLayout(PostgreSqlLayout layout)
    {
        if (!Enum.IsDefined(layout))
        {
            throw new EngagementValidationException(nameof(PostgreSqlStoreOptions.Layout), layout.ToString(), $"Layout '{layout}' is not one of Auto, Single, Sharded");
        }
    }

    /// <summary>How messages name the database: <c>PostgreSQL database host:port/database</c>, never the password.</summary>
    internal static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL database {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
    }

    private static NpgsqlDataSource CreateDataSource(PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        return NpgsqlDataSource.Create(options.ConnectionString);
    }

    private sealed class Store(NpgsqlDataSource dataSource, RelationalNames names, string description, bool readOnly, PostgreSqlLayout layout, long queryCacheBytes)
        : RelationalInteractionStore(names, description, readOnly, queryCacheBytes)
    {
        private const long MigrationLockKey = 0x656E_6761_6765; // "engage"

        private volatile bool _sharded;

        // Partition (table name) -> its foreign server, and server -> host:port/database, for the messages of shard failures.
        private Dictionary<string, string> _serverOfPartition = new(StringComparer.Ordinal);
        private Dictionary<string, string> _serverAddresses = new(StringComparer.Ordinal);

        /// <summary>True once the schema check found the sharded layout: the tables are partitioned by hash of bot_id.</summary>
        public bool Sharded => _sharded;

        protected override IReadOnlyList<string> Schema => PostgreSqlTables.SingleServer(Names);

        protected internal override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (IsRefusal(ex.SqlState))
            {
                throw new EngagementStoreException(Description, $"{Description} refused the connection: {ex.MessageText} ({ex.SqlState})", ex);
            }
            catch (NpgsqlException ex) when (ex is not PostgresException)
            {
                // Not the server's answer: no connection was made (refused, unknown host, timeout, TLS).
                var cause = ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{ex.Message}: {inner.Message}" : ex.Message;
                throw new EngagementStoreException(Description, $"{Description} cannot be reached: {cause}", ex);
            }
        }

        // Errors the server sends instead of a session: class 08 (connection), 28 (authorization), 3D000 (no such
        // database), 57P03 (cannot connect now, e.g. starting up).
        private static bool IsRefusal(string sqlState) =>
            sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("28", StringComparison.Ordinal) || sqlState is "3D000" or "57P03";

        protected override async ValueTask<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, null, "SELECT to_regclass(@table) IS NOT NULL");
            Add(command, "table", table);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        // Which layout the tables have: the bots table partitioned (relkind 'p') means sharded. An empty database gets the
        // single-server tables, unless the options insist on the sharded layout, which only the sharding script creates.
        protected override async ValueTask CheckLayoutAsync(DbConnection connection, DbTransaction? transaction, int version, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, transaction, "SELECT relkind::text FROM pg_class WHERE oid = to_regclass(@bots)");
            Add(command, "bots", Names.Bots);
            var kind = version == 0 ? null : await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            var sharded = kind == "p";
            if (layout == PostgreSqlLayout.Sharded && !sharded)
            {
                throw new EngagementStoreException(Description, version == 0
                    ? $"{Description} holds no sharded tables {Names.Describe} (Layout Sharded): create them first with engagement migrate --shards, or the SQL of PostgreSqlShardingScript; the store creates only the single-server tables"
                    : $"{Description}: the tables {Names.Describe} are not sharded (the bots table is not partitioned by bot), but Layout is Sharded; use Layout Auto or Single");
            }

            if (layout == PostgreSqlLayout.Single && sharded)
            {
                throw new EngagementStoreException(Description, $"{Description}: the tables {Names.Describe} are sharded (partitioned by hash of bot_id), but Layout is Single; use Layout Auto or Sharded");
            }

            if (sharded)
            {
                await ReadShardServersAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            _sharded = sharded;
        }

        private async Task ReadShardServersAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, transaction, """
                SELECT c.relname::text, s.srvname::text,
                       coalesce((SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'host'), '?') || ':' ||
                       coalesce((SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'port'), '5432') || '/' ||
                       coalesce((SELECT option_value FROM pg_options_to_table(s.srvoptions) WHERE option_name = 'dbname'), '?')
                FROM pg_foreign_table f JOIN pg_class c ON c.oid = f.ftrelid JOIN pg_foreign_server s ON s.oid = f.ftserver
                WHERE c.relnamespace = @schema::regnamespace
                """);
            Add(command, "schema", Names.Schema ?? "public");
            var partitions = new Dictionary<string, string>(StringComparer.Ordinal);
            var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                partitions[reader.GetString(0)] = reader.GetString(1);
                addresses[reader.GetString(1)] = reader.GetString(2);
            }

            _serverOfPartition = partitions;
            _serverAddresses = addresses;
        }

        /// <summary>
        /// A sharded store's error that comes from a shard server rather than the coordinator (class 08 raised by
        /// postgres_fdw: the shard cannot be reached or its connection broke), as one line naming the shard; otherwise null.
        /// </summary>
        public EngagementStoreException? ShardFailure(PostgresException ex)
        {
            // The coordinator's own failures come as FATAL or as NpgsqlException; postgres_fdw reports a shard's as ERROR.
            if (!_sharded || !ex.SqlState.StartsWith("08", StringComparison.Ordinal) || ex.Severity != "ERROR")
            {
                return null;
            }

            var server = NamedServer(ex.MessageText)
                ?? _serverOfPartition.FirstOrDefault(p => ex.Where?.Contains("." + p.Key + " ", StringComparison.Ordinal) == true || ex.Where?.EndsWith("." + p.Key, StringComparison.Ordinal) == true).Value;
            var shard = server is null ? "a shard server" : _serverAddresses.TryGetValue(server, out var address) ? $"shard server {server} ({address})" : $"shard server {server}";
            var cause = ex.MessageText.Split('\n')[0].Trim();
            if (ex.Detail is { Length: > 0 } detail)
            {
                cause += ": " + detail.Split('\n')[0].Trim();
            }

            return new EngagementStoreException(Description, $"{Description}: its {shard} cannot be used, so the bots it holds cannot be read or written until it is back: {cause} ({ex.SqlState})", ex);
        }

        // postgres_fdw names the server it failed to connect to: could not connect to server "NAME".
        private static string? NamedServer(string message)
        {
            const string Marker = "server \"";
            var start = message.IndexOf(Marker, StringComparison.Ordinal);
            var end = start < 0 ? -1 : message.IndexOf('"', start + Marker.Length);
            return end < 0 ? null : message[(start + Marker.Length)..end];
        }

        protected override async ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
            await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

        // One transaction-scoped lock per bot; the pipeline takes them in ordinal order of the ids, so two appends never
        // deadlock. Sharded: the locks are the coordinator's, so every writer of a deployment must go through one
        // coordinator server (any number of processes on it).
        protected internal override async ValueTask LockBotAsync(DbConnection connection, DbTransaction transaction, string botId, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@bot, 7305))");
            Add(command, "bot", botId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        protected internal override string SnapshotPrologue => "SET TRANSACTION READ ONLY; ";

        protected override async ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            // BEGIN goes out with the first statement; a query snapshot puts READ ONLY in front of it (SnapshotPrologue).
            return await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        }

        protected override async ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLockKey})", cancellationToken).ConfigureAwait(false);
            if (Names.Schema is { } schema)
            {
                await ExecuteAsync(connection, transaction, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken).ConfigureAwait(false);
            }

            return transaction;
        }

        protected internal override string InArray(string parameterName) => $"= ANY(@{parameterName})";

        protected internal override void AddStringArray(DbCommand command, string name, IReadOnlyCollection<string> values) =>
            command.Parameters.Add(new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] });

        protected internal override int RowsPerInsert => 500;

        // One row instead of one per conversation: Npgsql allocates for every row it reads (about 48 bytes). Sharded, the
        // coordinator aggregates the rows it fetches from the shard (postgres_fdw pushes no aggregate down through a
        // partitioned table).
        protected internal override string? ConversationFactsBlobSql =>
            $"SELECT string_agg(set_byte('\\x00'::bytea, 0, (CASE WHEN interactive THEN 1 ELSE 0 END) | (CASE WHEN closed THEN 2 ELSE 0 END)), ''::bytea ORDER BY ordinal) FROM {Names.Conversations} WHERE bot_id = @bot";

        protected internal override void AddIntArray(DbCommand command, string name, IReadOnlyCollection<int> values) =>
            command.Parameters.Add(new NpgsqlParameter<int[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. values] });

        protected internal override async ValueTask<HashSet<string>> InsertEventIdsAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
            _sharded
                ? await InsertEventIdsShardedAsync(connection, transaction, botId, ids, cancellationToken).ConfigureAwait(false)
                : await InsertEventIdsSingleAsync(connection, transaction, botId, ids, cancellationToken).ConfigureAwait(false);

        // Binary COPY of the batch's ids into a temporary staging table, then one set-based insert that skips the
        // (bot, id) pairs already stored. ON CONFLICT DO NOTHING probes the unique index row by row, so the cost stays
        // logarithmic in the stored ids whatever plan is chosen (an anti-join against the staging table, which has no
        // statistics, can degrade into reading every stored id of the bot on every batch).
        private async Task<HashSet<string>> InsertEventIdsSingleAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            await CopyAsync((NpgsqlConnection)connection, transaction, "em_stage_event_ids", "event_id text NOT NULL", "COPY em_stage_event_ids (event_id) FROM STDIN (FORMAT BINARY)", ids, static (importer, id, token) => importer.WriteAsync(id, NpgsqlDbType.Text, token), cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, transaction, $"INSERT INTO {Names.EventIds} (bot_id, event_id) SELECT @bot, event_id FROM em_stage_event_ids ON CONFLICT DO NOTHING RETURNING event_id");
            Add(command, "bot", botId);
            var duplicates = new HashSet<string>(ids, StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                duplicates.Remove(reader.GetString(0));
            }

            return duplicates;
        }

        // Sharded: one plain INSERT of every id, which postgres_fdw sends to the shard in batches of batch_size rows, under
        // a savepoint. No RETURNING (it would make postgres_fdw send the rows one at a time) and no ON CONFLICT (speculative
        // insertion made the usual case, a batch without stored ids, about 1.7 times as slow): when the shard's primary
        // key refuses an id (23505), the insert is undone, the ids already stored are looked up, and the others inserted.
        // The bot's lock keeps any other writer of the coordinator from adding its ids in between.
        private async Task<HashSet<string>> InsertEventIdsShardedAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            const string Savepoint = "em_event_ids";
            var duplicates = new HashSet<string>(StringComparer.Ordinal);
            await transaction.SaveAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            try
            {
                await InsertIdsAsync(ids).ConfigureAwait(false);
                await transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
                return duplicates;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // Some ids are stored already: look them up below.
            }

            await transaction.RollbackAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            for (var start = 0; start < ids.Count; start += KeysPerStatement)
            {
                var chunk = new string[Math.Min(KeysPerStatement, ids.Count - start)];
                for (var i = 0; i < chunk.Length; i++)
                {
                    chunk[i] = ids[start + i];
                }

                await using var lookup = Command(connection, transaction, $"SELECT event_id FROM {Names.EventIds} WHERE bot_id = @bot AND event_id = ANY(@ids)");
                Add(lookup, "bot", botId);
                AddStringArray(lookup, "ids", chunk);
                await using var reader = await lookup.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    duplicates.Add(reader.GetString(0));
                }
            }

            string[] added = [.. ids.Where(id => !duplicates.Contains(id))];
            if (added.Length > 0)
            {
                await InsertIdsAsync(added).ConfigureAwait(false);
            }

            await transaction.ReleaseAsync(Savepoint, cancellationToken).ConfigureAwait(false);
            return duplicates;

            async Task InsertIdsAsync(IReadOnlyCollection<string> values)
            {
                await using var insert = Command(connection, transaction, $"INSERT INTO {Names.EventIds} (bot_id, event_id) SELECT @bot, id FROM unnest(@ids) AS id");
                Add(insert, "bot", botId);
                AddStringArray(insert, "ids", values);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // New rows inside the append's transaction. One server: binary COPY, typed from the values. Sharded: one INSERT of
        // the columns as arrays (unnest), which postgres_fdw sends to the shard in batches of batch_size rows; PostgreSQL
        // 15 sends a COPY into a foreign table one row per round trip.
        protected internal override async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
        {
            if (rows.Count == 0)
            {
                return;
            }

            if (_sharded)
            {
                await InsertRowsAsArraysAsync(connection, transaction, table, columns, rows, cancellationToken).ConfigureAwait(false);
                return;
            }

            await using var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                foreach (var value in row)
                {
                    await (value switch
                    {
                        string text => importer.WriteAsync(text, NpgsqlDbType.Text, cancellationToken),
                        int number => importer.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken),
                        long number => importer.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken),
                        bool flag => importer.WriteAsync(flag, NpgsqlDbType.Boolean, cancellationToken),
                        null => importer.WriteNullAsync(cancellationToken),
                        _ => throw new ArgumentException($"Unsupported column value type {value.GetType().Name}.", nameof(rows)),
                    }).ConfigureAwait(false);
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task InsertRowsAsArraysAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
        {
            var parameters = string.Join(", ", columns.Select(static (_, c) => "@c" + c.ToString(CultureInfo.InvariantCulture)));
            await using var command = Command(connection, transaction, $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT * FROM unnest({parameters})");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = "c" + c.ToString(CultureInfo.InvariantCulture);
                command.Parameters.Add(rows.Select(row => row[c]).FirstOrDefault(static v => v is not null) switch
                {
                    string => new NpgsqlParameter<string?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. rows.Select(row => (string?)row[c])] },
                    int => new NpgsqlParameter<int?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. rows.Select(row => (int?)row[c])] },
                    long => new NpgsqlParameter<long?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. rows.Select(row => (long?)row[c])] },
                    bool => new NpgsqlParameter<bool?[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = [.. rows.Select(row => (bool?)row[c])] },
                    var other => throw new ArgumentException($"Unsupported column value type {other?.GetType().Name ?? "null"} in column {columns[c]}.", nameof(rows)),
                });
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        protected internal override async Task UpdateFirstSeenAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<(string User, long Ticks)> users, CancellationToken cancellationToken)
        {
            if (_sharded)
            {
                for (var start = 0; start < users.Count; start += KeysPerStatement)
                {
                    var chunk = users.Skip(start).Take(KeysPerStatement).ToArray();
                    await using var update = Command(connection, transaction, $"UPDATE {Names.Users} SET first_seen = (@ticks)[array_position(@users, user_id)] WHERE bot_id = @bot AND user_id = ANY(@users)");
                    Add(update, "bot", botId);
                    update.Parameters.Add(new NpgsqlParameter<string[]>("users", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. chunk.Select(static u => u.User)] });
                    update.Parameters.Add(new NpgsqlParameter<long[]>("ticks", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. chunk.Select(static u => u.Ticks)] });
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            await using var command = Command(connection, transaction, $"UPDATE {Names.Users} u SET first_seen = x.ticks FROM unnest(@users, @ticks) AS x(user_id, ticks) WHERE u.bot_id = @bot AND u.user_id = x.user_id");
            Add(command, "bot", botId);
            command.Parameters.Add(new NpgsqlParameter<string[]>("users", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. users.Select(static u => u.User)] });
            command.Parameters.Add(new NpgsqlParameter<long[]>("ticks", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. users.Select(static u => u.Ticks)] });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // One server: an UPDATE joined with the arrays. Sharded: that join would make postgres_fdw fetch every
        // conversation of the bot (FOR UPDATE) and update them one by one; instead each row finds its values by its
        // position in the id array, so the whole UPDATE goes to the shard as one statement (chunks of KeysPerStatement,
        // since array_position searches the array).
        protected internal override async Task UpdateConversationsAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<ConversationUpdate> conversations, CancellationToken cancellationToken)
        {
            var sql = _sharded
                ? $"""
                    UPDATE {Names.Conversations} SET interactive = (@interactive)[array_position(@ids, conversation_id)], closed = (@closed)[array_position(@ids, conversation_id)],
                        first_day = (@first)[array_position(@ids, conversation_id)], last_day = (@last)[array_position(@ids, conversation_id)]
                    WHERE bot_id = @bot AND conversation_id = ANY(@ids)
                    """
                : $"""
                    UPDATE {Names.Conversations} c SET interactive = x.interactive, closed = x.closed, first_day = x.first_day, last_day = x.last_day
                    FROM unnest(@ids, @interactive, @closed, @first, @last) AS x(conversation_id, interactive, closed, first_day, last_day)
                    WHERE c.bot_id = @bot AND c.conversation_id = x.conversation_id
                    """;
            var perStatement = _sharded ? KeysPerStatement : Math.Max(1, conversations.Count);
            for (var start = 0; start < conversations.Count; start += perStatement)
            {
                var chunk = conversations.Skip(start).Take(perStatement).ToArray();
                await using var command = Command(connection, transaction, sql);
                Add(command, "bot", botId);
                command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. chunk.Select(static c => c.Id)] });
                command.Parameters.Add(new NpgsqlParameter<bool[]>("interactive", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = [.. chunk.Select(static c => c.Interactive)] });
                command.Parameters.Add(new NpgsqlParameter<bool[]>("closed", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = [.. chunk.Select(static c => c.Closed)] });
                command.Parameters.Add(new NpgsqlParameter<int[]>("first", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. chunk.Select(static c => c.FirstDay)] });
                command.Parameters.Add(new NpgsqlParameter<int[]>("last", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. chunk.Select(static c => c.LastDay)] });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // A session's staging table (temporary, emptied at commit), filled by binary COPY.
        private async Task CopyAsync<T>(NpgsqlConnection connection, DbTransaction transaction, string table, string columns, string copy, IReadOnlyList<T> values, Func<NpgsqlBinaryImporter, T, CancellationToken, Task> write, CancellationToken cancellationToken)
        {
            await ExecuteAsync(connection, transaction, $"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({columns}) ON COMMIT DELETE ROWS", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"TRUNCATE {table}", cancellationToken).ConfigureAwait(false);
            await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken).ConfigureAwait(false);
            foreach (var value in values)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await write(importer, value, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // A sharded store's append transaction: a shard's failure becomes a one-line EngagementStoreException naming it.
    private sealed class ShardedAppendTransaction(Store store, IAppendTransaction inner) : IAppendTransaction, IBatchLockingAppendTransaction
    {
        public async ValueTask LockBotsAsync(IReadOnlyList<string> botIds, CancellationToken cancellationToken = default)
        {
            if (inner is IBatchLockingAppendTransaction locking)
            {
                await locking.LockBotsAsync(botIds, cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask<string?> LockBotAsync(string botId, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.LockBotAsync(botId, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (store.ShardFailure(ex) is { } failure)
            {
                throw failure;
            }
        }

        public async ValueTask<int> WriteAsync(string botId, string accountId, IReadOnlyList<Events.InteractionEvent> events, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.WriteAsync(botId, accountId, events, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (store.ShardFailure(ex) is { } failure)
            {
                throw failure;
            }
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (store.ShardFailure(ex) is { } failure)
            {
                throw failure;
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    // A sharded store's snapshot: a shard's failure during a read becomes a one-line EngagementStoreException naming it.
    private sealed class ShardedSnapshot(Store store, IActivitySnapshot inner) : IActivitySnapshot
    {
        public string BotId => inner.BotId;

        public string AccountId => inner.AccountId;

        public int UserCount => inner.UserCount;

        public int ConversationCount => inner.ConversationCount;

        public IReadOnlyList<string> Channels => inner.Channels;

        public async ValueTask<ReadOnlyMemory<long>> GetFirstSeenAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.GetFirstSeenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (store.ShardFailure(ex) is { } failure)
            {
                throw failure;
            }
        }

        public async ValueTask CopyConversationFactsAsync(Memory<ConversationFacts> destination, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.CopyConversationFactsAsync(destination, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (store.ShardFailure(ex) is { } failure)
            {
                throw failure;
            }
        }

        public IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default) =>
            ScanAsync(fromUtcTicks, toUtcTicks, ActivityColumns.All, cancellationToken);

        public async IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, ActivityColumns columns, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            // No yield inside a try with a catch: the enumerator is advanced by hand.
            var batches = inner.ScanAsync(fromUtcTicks, toUtcTicks, columns, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (batches.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await batches.MoveNextAsync().ConfigureAwait(false))
                        {
                            yield break;
                        }
                    }
                    catch (PostgresException ex) when (store.ShardFailure(ex) is { } failure)
                    {
                        throw failure;
                    }

                    yield return batches.Current;
                }
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
