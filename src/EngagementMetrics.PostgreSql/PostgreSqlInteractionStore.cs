using System.Data;
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
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _store = new Store(
            dataSource,
            new RelationalNames(options.Schema, options.TablePrefix, nameof(PostgreSqlStoreOptions.Schema), nameof(PostgreSqlStoreOptions.TablePrefix)),
            Describe(dataSource.ConnectionString),
            options.ReadOnly)
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
    public ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default) => _store.BeginAppendAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default) =>
        _store.OpenSnapshotAsync(botId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetBotIdsAsync(string accountId, CancellationToken cancellationToken = default) =>
        _store.GetBotIdsAsync(accountId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Events.InteractionEvent>> ReadEventsAsync(string botId, long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default) =>
        _store.ReadEventsAsync(botId, fromUtcTicks, toUtcTicks, cancellationToken);

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

    private sealed class Store(NpgsqlDataSource dataSource, RelationalNames names, string description, bool readOnly)
        : RelationalInteractionStore(names, description, readOnly)
    {
        private const long MigrationLockKey = 0x656E_6761_6765; // "engage"

        // Schema version 2 (see the SQLite store): every table keyed by bot first, so it distributes by bot_id; event
        // ids only for idempotency; events in compact day segments.
        protected override IReadOnlyList<string> Schema =>
        [
            $"CREATE TABLE {Names.Bots} (bot_id text NOT NULL PRIMARY KEY, account_id text NOT NULL, user_count integer NOT NULL, channel_count integer NOT NULL, label_count integer NOT NULL, conversation_count integer NOT NULL, event_count bigint NOT NULL, segment_seq bigint NOT NULL)",
            $"CREATE TABLE {Names.EventIds} (bot_id text NOT NULL, event_id text NOT NULL, PRIMARY KEY (bot_id, event_id))",
            $"CREATE TABLE {Names.Users} (bot_id text NOT NULL, user_id text NOT NULL, ordinal integer NOT NULL, first_seen bigint NOT NULL, PRIMARY KEY (bot_id, user_id))",
            $"CREATE UNIQUE INDEX {Names.Prefix}users_ordinal ON {Names.Users} (bot_id, ordinal)",
            $"CREATE TABLE {Names.FirstSeen} (bot_id text NOT NULL, page integer NOT NULL, ticks bytea NOT NULL, PRIMARY KEY (bot_id, page))",
            $"CREATE TABLE {Names.Channels} (bot_id text NOT NULL, channel text NOT NULL, ordinal integer NOT NULL, PRIMARY KEY (bot_id, channel))",
            $"CREATE TABLE {Names.Labels} (bot_id text NOT NULL, label text NOT NULL, ordinal integer NOT NULL, PRIMARY KEY (bot_id, label))",
            $"CREATE TABLE {Names.Conversations} (bot_id text NOT NULL, conversation_id text NOT NULL, ordinal integer NOT NULL, interactive boolean NOT NULL, closed boolean NOT NULL, first_day integer NOT NULL, last_day integer NOT NULL, PRIMARY KEY (bot_id, conversation_id))",
            $"CREATE UNIQUE INDEX {Names.Prefix}conversations_ordinal ON {Names.Conversations} (bot_id, ordinal)",
            $"CREATE TABLE {Names.Activity} (bot_id text NOT NULL, day integer NOT NULL, segment bigint NOT NULL, event_count integer NOT NULL, min_ticks bigint NOT NULL, max_ticks bigint NOT NULL, core bytea NOT NULL, dims bytea NOT NULL, PRIMARY KEY (bot_id, day, segment))",
            $"CREATE TABLE {Names.History} (bot_id text NOT NULL, day integer NOT NULL, segment bigint NOT NULL, event_count integer NOT NULL, body bytea NOT NULL, PRIMARY KEY (bot_id, day, segment))",
            // The segments are already compact (varint deltas, narrow columns): pglz compression saves little of them and
            // costs every query a decompression, so the blobs a query reads are stored out of line uncompressed.
            $"ALTER TABLE {Names.Activity} ALTER COLUMN core SET STORAGE EXTERNAL, ALTER COLUMN dims SET STORAGE EXTERNAL",
            $"ALTER TABLE {Names.FirstSeen} ALTER COLUMN ticks SET STORAGE EXTERNAL",
        ];

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

        protected override async ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
            await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

        // One transaction-scoped lock per bot; the pipeline takes them in ordinal order of the ids, so two appends never deadlock.
        protected internal override async ValueTask LockBotAsync(DbConnection connection, DbTransaction transaction, string botId, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@bot, 7305))");
            Add(command, "bot", botId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        protected override async ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken)
        {
            var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "SET TRANSACTION READ ONLY", cancellationToken).ConfigureAwait(false);
            return transaction;
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

        // One row instead of one per conversation: Npgsql allocates for every row it reads (about 48 bytes).
        protected internal override string? ConversationFactsBlobSql =>
            $"SELECT string_agg(set_byte('\\x00'::bytea, 0, (CASE WHEN interactive THEN 1 ELSE 0 END) | (CASE WHEN closed THEN 2 ELSE 0 END)), ''::bytea ORDER BY ordinal) FROM {Names.Conversations} WHERE bot_id = @bot";

        protected internal override void AddIntArray(DbCommand command, string name, IReadOnlyCollection<int> values) =>
            command.Parameters.Add(new NpgsqlParameter<int[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. values] });

        // Binary COPY of the batch's ids into a temporary staging table, then one set-based insert that skips the
        // (bot, id) pairs already stored. ON CONFLICT DO NOTHING probes the unique index row by row, so the cost stays
        // logarithmic in the stored ids whatever plan is chosen (an anti-join against the staging table, which has no
        // statistics, can degrade into reading every stored id of the bot on every batch).
        protected internal override async ValueTask<HashSet<string>> InsertEventIdsAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
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

        // New rows by binary COPY, typed from their values, inside the append's transaction.
        protected internal override async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
        {
            if (rows.Count == 0)
            {
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

        protected internal override async Task UpdateFirstSeenAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<(string User, long Ticks)> users, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, transaction, $"UPDATE {Names.Users} u SET first_seen = x.ticks FROM unnest(@users, @ticks) AS x(user_id, ticks) WHERE u.bot_id = @bot AND u.user_id = x.user_id");
            Add(command, "bot", botId);
            command.Parameters.Add(new NpgsqlParameter<string[]>("users", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. users.Select(static u => u.User)] });
            command.Parameters.Add(new NpgsqlParameter<long[]>("ticks", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. users.Select(static u => u.Ticks)] });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        protected internal override async Task UpdateConversationsAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<ConversationUpdate> conversations, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, transaction, $"""
                UPDATE {Names.Conversations} c SET interactive = x.interactive, closed = x.closed, first_day = x.first_day, last_day = x.last_day
                FROM unnest(@ids, @interactive, @closed, @first, @last) AS x(conversation_id, interactive, closed, first_day, last_day)
                WHERE c.bot_id = @bot AND c.conversation_id = x.conversation_id
                """);
            Add(command, "bot", botId);
            command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. conversations.Select(static c => c.Id)] });
            command.Parameters.Add(new NpgsqlParameter<bool[]>("interactive", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = [.. conversations.Select(static c => c.Interactive)] });
            command.Parameters.Add(new NpgsqlParameter<bool[]>("closed", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = [.. conversations.Select(static c => c.Closed)] });
            command.Parameters.Add(new NpgsqlParameter<int[]>("first", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. conversations.Select(static c => c.FirstDay)] });
            command.Parameters.Add(new NpgsqlParameter<int[]>("last", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. conversations.Select(static c => c.LastDay)] });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
}
