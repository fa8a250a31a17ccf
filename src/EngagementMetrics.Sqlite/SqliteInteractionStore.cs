using System.Data;
using System.Data.Common;
using System.Text.Json;
using EngagementMetrics.Storage;
using EngagementMetrics.Storage.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EngagementMetrics.Sqlite;

/// <summary>
/// An <see cref="IInteractionStore"/> in a SQLite file: embedded, durable (write-ahead log), and answering trends
/// exactly as the in-memory store does from compact, time-ordered activity segments.
/// </summary>
/// <remarks>
/// <para>The store creates and migrates its tables on first use; a read-only store
/// (<see cref="SqliteStoreOptions.ReadOnly"/>) opens the file with <c>Mode=ReadOnly</c>, creates and migrates
/// nothing, refuses appends, and fails with <see cref="EngagementStoreException"/> when the file or the tables are
/// missing. A file that cannot be opened, or is not a database, fails with <see cref="EngagementStoreException"/> too.
/// Appends are one transaction each
/// (<c>BEGIN IMMEDIATE</c>), so concurrent writers, in this process or others, are serialised by SQLite and a batch is
/// all or nothing, also if the process dies half way. Snapshots are read transactions: the write-ahead log gives them
/// one consistent moment while appends go on.</para>
/// <para>Thread-safe; register one instance per database (a singleton).</para>
/// </remarks>
public sealed class SqliteInteractionStore : IInteractionStore, IAppendTarget, IEventHistory
{
    private readonly Store _store;

    /// <summary>
    /// Opens (lazily creates) the store described by <paramref name="options"/>; with
    /// <see cref="SqliteStoreOptions.ReadOnly"/>, opens an existing store for reading only and creates nothing.
    /// </summary>
    /// <exception cref="EngagementValidationException">The connection string is empty or malformed, or the table prefix is not a valid identifier.</exception>
    public SqliteInteractionStore(SqliteStoreOptions options)
        : this(options, null)
    {
    }

    /// <summary>
    /// Opens the store described by <paramref name="options"/>, logging to <paramref name="loggerFactory"/> (category
    /// <c>EngagementMetrics.Sqlite.SqliteInteractionStore</c>): schema creation at Information, a refused schema at Error.
    /// </summary>
    /// <exception cref="EngagementValidationException">The connection string is empty or malformed, or the table prefix is not a valid identifier.</exception>
    public SqliteInteractionStore(SqliteStoreOptions options, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connectionString = Validate(options);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        _store = new Store(
            connectionString,
            new RelationalNames(null, options.TablePrefix, "schema", nameof(SqliteStoreOptions.TablePrefix)),
            options.SyncEveryCommit,
            FilePath(builder),
            builder.Mode == SqliteOpenMode.ReadOnly,
            options.QueryCacheBytes)
        {
            Logger = (ILogger?)loggerFactory?.CreateLogger<SqliteInteractionStore>() ?? NullLogger.Instance,
        };
    }

    /// <summary>Opens (lazily creates) a store in the database of <paramref name="connectionString"/>.</summary>
    public SqliteInteractionStore(string connectionString)
        : this(new SqliteStoreOptions { ConnectionString = connectionString })
    {
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
    /// <exception cref="EngagementStoreException">The file cannot be opened or is not a database; the database holds a
    /// newer schema than this library understands; or, read-only, the file or the tables are missing.</exception>
    public ValueTask EnsureSchemaAsync(CancellationToken cancellationToken = default) => _store.EnsureSchemaAsync(cancellationToken);

    internal RelationalNames Names => _store.Names;

    internal RelationalInteractionStore Relational => _store;

    internal ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) => _store.OpenConnectionAsync(cancellationToken);

    /// <summary>Checks options the way the DI validator does; returns the normalised connection string.</summary>
    internal static string Validate(SqliteStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new EngagementValidationException(nameof(SqliteStoreOptions.ConnectionString), options.ConnectionString, "ConnectionString is required, e.g. 'Data Source=engagement.db'");
        }

        QueryCache.ValidateCapacity(options.QueryCacheBytes);

        try
        {
            var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
            if (string.IsNullOrWhiteSpace(builder.DataSource))
            {
                throw new EngagementValidationException(nameof(SqliteStoreOptions.ConnectionString), options.ConnectionString, "ConnectionString names no Data Source (the database file)");
            }

            builder.Pooling = true;
            if (options.ReadOnly)
            {
                builder.Mode = SqliteOpenMode.ReadOnly;
            }

            return builder.ToString();
        }
        catch (ArgumentException ex)
        {
            throw new EngagementValidationException(nameof(SqliteStoreOptions.ConnectionString), options.ConnectionString, $"ConnectionString is not valid: {ex.Message}");
        }
    }

    // The full path of the database file, for messages; in-memory and URI data sources as given.
    private static string FilePath(SqliteConnectionStringBuilder builder) =>
        builder.Mode == SqliteOpenMode.Memory || builder.DataSource is ":memory:" || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? builder.DataSource
            : Path.GetFullPath(builder.DataSource);

    private sealed class Store(string connectionString, RelationalNames names, bool syncEveryCommit, string path, bool readOnly, long queryCacheBytes)
        : RelationalInteractionStore(names, $"SQLite file '{path}'", readOnly, queryCacheBytes)
    {
        // SQLite's primary result codes for a file that cannot be used (https://sqlite.org/rescode.html).
        private const int SqlitePerm = 3, SqliteReadOnly = 8, SqliteIoError = 10, SqliteCorrupt = 11, SqliteCantOpen = 14, SqliteNotADatabase = 26;

        // Schema version 2. Only the indexes queries use: every table is keyed by bot first; event ids exist only to
        // deduplicate; events themselves live in compact day segments (history for statistics, activity for trends).
        protected override IReadOnlyList<string> Schema =>
        [
            $"CREATE TABLE {Names.Bots} (bot_id TEXT NOT NULL PRIMARY KEY, account_id TEXT NOT NULL, user_count INTEGER NOT NULL, channel_count INTEGER NOT NULL, label_count INTEGER NOT NULL, conversation_count INTEGER NOT NULL, event_count INTEGER NOT NULL, segment_seq INTEGER NOT NULL)",
            $"CREATE TABLE {Names.EventIds} (bot_id TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (bot_id, event_id)) WITHOUT ROWID",
            $"CREATE TABLE {Names.Users} (bot_id TEXT NOT NULL, user_id TEXT NOT NULL, ordinal INTEGER NOT NULL, first_seen INTEGER NOT NULL, PRIMARY KEY (bot_id, user_id)) WITHOUT ROWID",
            $"CREATE UNIQUE INDEX {Names.Prefix}users_ordinal ON {Names.Prefix}users (bot_id, ordinal)",
            $"CREATE TABLE {Names.FirstSeen} (bot_id TEXT NOT NULL, page INTEGER NOT NULL, ticks BLOB NOT NULL, PRIMARY KEY (bot_id, page))",
            $"CREATE TABLE {Names.Channels} (bot_id TEXT NOT NULL, channel TEXT NOT NULL, ordinal INTEGER NOT NULL, PRIMARY KEY (bot_id, channel)) WITHOUT ROWID",
            $"CREATE TABLE {Names.Labels} (bot_id TEXT NOT NULL, label TEXT NOT NULL, ordinal INTEGER NOT NULL, PRIMARY KEY (bot_id, label)) WITHOUT ROWID",
            $"CREATE TABLE {Names.Conversations} (bot_id TEXT NOT NULL, conversation_id TEXT NOT NULL, ordinal INTEGER NOT NULL, interactive INTEGER NOT NULL, closed INTEGER NOT NULL, first_day INTEGER NOT NULL, last_day INTEGER NOT NULL, PRIMARY KEY (bot_id, conversation_id)) WITHOUT ROWID",
            $"CREATE UNIQUE INDEX {Names.Prefix}conversations_ordinal ON {Names.Prefix}conversations (bot_id, ordinal)",
            $"CREATE TABLE {Names.Activity} (bot_id TEXT NOT NULL, day INTEGER NOT NULL, segment INTEGER NOT NULL, event_count INTEGER NOT NULL, min_ticks INTEGER NOT NULL, max_ticks INTEGER NOT NULL, core BLOB NOT NULL, dims BLOB NOT NULL, PRIMARY KEY (bot_id, day, segment))",
            $"CREATE TABLE {Names.History} (bot_id TEXT NOT NULL, day INTEGER NOT NULL, segment INTEGER NOT NULL, event_count INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (bot_id, day, segment))",
        ];

        protected internal override ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
            OpenAsync(connectionString, ReadOnly, cancellationToken);

        // A health probe sees the file as it is now: a connection of its own (a pooled one keeps reading a file that was
        // deleted or replaced under it), read-only so that it never creates or writes anything.
        protected override ValueTask<DbConnection> OpenProbeConnectionAsync(CancellationToken cancellationToken) =>
            OpenAsync(new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString(), readOnly: true, cancellationToken);

        private async ValueTask<DbConnection> OpenAsync(string target, bool readOnly, CancellationToken cancellationToken)
        {
            var connection = new SqliteConnection(target);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var pragma = connection.CreateCommand();
                if (readOnly)
                {
                    // No journal mode is set (that writes the header). Reading the schema cookie reads the header, so
                    // a file that is not a database fails here, as it does on journal_mode when writing.
                    pragma.CommandText = "PRAGMA busy_timeout=30000";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    pragma.CommandText = "PRAGMA schema_version";
                    await pragma.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    pragma.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(syncEveryCommit ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=30000;";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return connection;
            }
            catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is SqlitePerm or SqliteReadOnly or SqliteIoError or SqliteCorrupt or SqliteCantOpen or SqliteNotADatabase)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw Unusable(ex);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        // Says why SQLite could not open or read the file; the file system tells the common cases apart.
        private EngagementStoreException Unusable(SqliteException ex)
        {
            var sqlite = ex.Message.TrimEnd('.');
            var directory = Path.GetDirectoryName(path);
            var reason = (ex.SqliteErrorCode & 0xFF) switch
            {
                SqliteNotADatabase => "is not a database",
                SqliteCorrupt => $"is damaged ({sqlite})",
                SqliteCantOpen or SqliteIoError when Directory.Exists(path) => "is a directory, not a database file",
                SqliteCantOpen when ReadOnly && !File.Exists(path) => "does not exist (a read-only store creates nothing)",
                SqliteCantOpen when !File.Exists(path) && (string.IsNullOrEmpty(directory) || Directory.Exists(directory)) => "does not exist (deleted since the store opened it?)",
                SqliteCantOpen when directory is { Length: > 0 } && !Directory.Exists(directory) => $"cannot be created: the directory '{directory}' does not exist",
                _ => $"cannot be opened ({sqlite})",
            };
            return new EngagementStoreException(Description, $"{Description} {reason}", ex);
        }

        protected override async ValueTask<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken)
        {
            await using var command = Command(connection, null, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table");
            Add(command, "table", table);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }

        // BEGIN IMMEDIATE takes SQLite's single write lock up front: appends from any process are serialised.
        protected override ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken) =>
            new(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

        protected override ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
            new(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: true));

        protected override ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken) =>
            new(((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false));

        protected internal override string InArray(string parameterName) => $"IN (SELECT value FROM json_each(@{parameterName}))";

        protected internal override void AddStringArray(DbCommand command, string name, IReadOnlyCollection<string> values) =>
            Add(command, name, JsonSerializer.Serialize(values, SqliteJsonContext.Default.IReadOnlyCollectionString));

        // Rows as JSON arrays of row arrays that SQLite unpacks with json_each, one statement per ~30,000 characters
        // (binding a parameter per value instead costs a linear name search per value; a bigger JSON string would be a
        // large object, batch after batch).
        protected internal override async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
        {
            if (rows.Count == 0)
            {
                return;
            }

            var select = string.Join(", ", columns.Select((_, i) => $"value ->> {i}"));
            await using var command = Command(connection, transaction, $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {select} FROM json_each(@rows)");
            Add(command, "rows", string.Empty);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(32 * 1024);
            var next = 0;
            while (next < rows.Count)
            {
                buffer.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    json.WriteStartArray();
                    while (next < rows.Count && json.BytesPending + json.BytesCommitted < 30_000)
                    {
                        json.WriteStartArray();
                        foreach (var value in rows[next++])
                        {
                            switch (value)
                            {
                                case string text: json.WriteStringValue(text); break;
                                case int number: json.WriteNumberValue(number); break;
                                case long number: json.WriteNumberValue(number); break;
                                case bool flag: json.WriteNumberValue(flag ? 1 : 0); break;
                                case null: json.WriteNullValue(); break;
                                default: throw new ArgumentException($"Unsupported column value type {value.GetType().Name}.", nameof(rows));
                            }
                        }

                        json.WriteEndArray();
                    }

                    json.WriteEndArray();
                }

                command.Parameters["rows"].Value = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        // The query path reads through SQLite's own API: blobs come as spans over SQLite's memory, no array per value.
        protected internal override ValueTask<RowReader> ReadRowsAsync(DbConnection connection, DbTransaction transaction, string sql, string botId, int? first = null, int? last = null, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new(SqliteRowReader.Open((SqliteConnection)connection, sql, botId, first, last));
        }

        protected internal override void AddIntArray(DbCommand command, string name, IReadOnlyCollection<int> values) =>
            Add(command, name, "[" + string.Join(',', values) + "]");

        // SQLite reads the ids from a JSON array (KeysPerStatement at a time, so no parameter is a large object) and
        // skips those already stored. Under a savepoint: when every id was new (the usual case) nothing needs reading
        // back; otherwise the insert is undone and redone returning the ids it inserts, so the duplicates are known.
        protected internal override async ValueTask<HashSet<string>> InsertEventIdsAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        {
            var sql = $"INSERT INTO {Names.EventIds} (bot_id, event_id) SELECT @bot, value FROM json_each(@ids) WHERE true ON CONFLICT DO NOTHING";
            var duplicates = new HashSet<string>(StringComparer.Ordinal);
            for (var start = 0; start < ids.Count; start += KeysPerStatement)
            {
                var chunk = new string[Math.Min(KeysPerStatement, ids.Count - start)];
                for (var i = 0; i < chunk.Length; i++)
                {
                    chunk[i] = ids[start + i];
                }

                var json = JsonSerializer.Serialize((IReadOnlyCollection<string>)chunk, SqliteJsonContext.Default.IReadOnlyCollectionString);
                await ExecuteAsync(connection, transaction, "SAVEPOINT em_event_ids", cancellationToken).ConfigureAwait(false);
                await using (var insert = Command(connection, transaction, sql))
                {
                    Add(insert, "bot", botId);
                    Add(insert, "ids", json);
                    if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == chunk.Length)
                    {
                        await ExecuteAsync(connection, transaction, "RELEASE em_event_ids", cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                await ExecuteAsync(connection, transaction, "ROLLBACK TO em_event_ids", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, "RELEASE em_event_ids", cancellationToken).ConfigureAwait(false);
                await using var command = Command(connection, transaction, sql + " RETURNING event_id");
                Add(command, "bot", botId);
                Add(command, "ids", json);
                var inserted = new HashSet<string>(StringComparer.Ordinal);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    inserted.Add(reader.GetString(0));
                }

                foreach (var id in chunk)
                {
                    if (!inserted.Contains(id))
                    {
                        duplicates.Add(id);
                    }
                }
            }

            return duplicates;
        }
    }
}
