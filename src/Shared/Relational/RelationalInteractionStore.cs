using System.Data.Common;
using System.Globalization;
using EngagementMetrics.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// What the SQLite and PostgreSQL stores share: the schema's shape, the append algorithm (validate, dedupe, assign
/// ordinals, keep first-seen and conversation facts current, write compact activity segments) and the snapshot.
/// Each derived store supplies the SQL dialect, the bulk insert of events and the locking.
/// </summary>
/// <remarks>
/// Every statement is parameterised; the only text spliced into SQL is table names built from validated identifiers.
/// Every statement names one bot in its WHERE clause and no statement joins two bots, so the tables can be
/// distributed by <c>bot_id</c>.
/// </remarks>
internal abstract class RelationalInteractionStore : IInteractionStore, IAppendTarget, IEventHistory
{
    /// <summary>Keys per lookup or id-insert statement: small enough that no parameter is a large object (85,000 bytes).</summary>
    public const int KeysPerStatement = 2000;

    /// <summary>A day's activity is merged into one segment once it has more segments than this.</summary>
    public const int MaxSegmentsPerDay = 8;

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;
    private int _refusalLogged;

    /// <param name="names">The validated table names.</param>
    /// <param name="description">How messages name the database (a file path, or host:port/database; never a password).</param>
    /// <param name="readOnly">True to never create, migrate or write anything: the schema is only checked.</param>
    /// <param name="queryCacheBytes">The query cache's capacity in bytes (see <see cref="QueryCache"/>); 0 for none.</param>
    protected RelationalInteractionStore(RelationalNames names, string description, bool readOnly, long queryCacheBytes)
    {
        Names = names;
        Description = description;
        ReadOnly = readOnly;
        Cache = new QueryCache(queryCacheBytes);
    }

    /// <summary>Decoded query data kept between this instance's queries.</summary>
    public QueryCache Cache { get; }

    /// <summary>
    /// SQL sent in front of a snapshot's first statement, in the same round trip (PostgreSQL: <c>SET TRANSACTION READ
    /// ONLY;</c>); empty by default.
    /// </summary>
    protected internal virtual string SnapshotPrologue => string.Empty;

    /// <summary>Schema version this library writes and understands.</summary>
    /// <remarks>
    /// Version 2 (this library) keeps events as compact day segments and an id table instead of version 1's row per
    /// event with three indexes. A version 1 database is refused with a message saying how to rebuild it: its events
    /// can be ingested again into a new database.
    /// </remarks>
    public static int SchemaVersion => 3;

    /// <summary>The oldest schema version this library reads (and, when writable, migrates on open).</summary>
    public const int OldestReadableVersion = 2;

    private static readonly Action<ILogger, string, string, int, Exception?> SchemaCreated =
        LoggerMessage.Define<string, string, int>(LogLevel.Information, new EventId(1, "SchemaCreated"), "{Store}: created the tables {Tables} at schema version {Version}");

    private static readonly Action<ILogger, string, int, Exception?> SchemaFound =
        LoggerMessage.Define<string, int>(LogLevel.Debug, new EventId(2, "SchemaFound"), "{Store}: tables at schema version {Version}");

    private static readonly Action<ILogger, string, int, int, Exception?> SchemaMigrated =
        LoggerMessage.Define<string, int, int>(LogLevel.Information, new EventId(4, "SchemaMigrated"), "{Store}: migrated the tables from schema version {From} to {To} (nothing converted: the new version writes packed blobs, which older libraries cannot read)");

    private static readonly Action<ILogger, string, Exception?> SchemaRefused =
        LoggerMessage.Define<string>(LogLevel.Error, new EventId(3, "SchemaRefused"), "{Message}");

    public RelationalNames Names { get; }

    /// <summary>Where the store logs schema creation and checks (category: the public store type); nothing by default.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>How messages name the database, e.g. <c>SQLite file '/data/bots.db'</c>; never a password.</summary>
    public string Description { get; }

    /// <summary>The store only reads: no schema is created or migrated and appends are refused.</summary>
    public bool ReadOnly { get; }

    public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default) =>
        AppendPipeline.AppendAsync(this, events, mode, cancellationToken);

    public async ValueTask<IAppendTransaction> BeginAppendAsync(CancellationToken cancellationToken = default)
    {
        if (ReadOnly)
        {
            throw new InvalidOperationException($"{Description} was opened read-only: appends are refused.");
        }

        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await BeginAppendAsync(connection, cancellationToken).ConfigureAwait(false);
            return new AppendTransaction(this, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(botId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            var snapshot = await RelationalSnapshot.OpenAsync(this, connection, transaction, botId, cancellationToken).ConfigureAwait(false);
            if (snapshot is null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            return snapshot;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One round trip that shows the store usable: the schema is ready (created, migrated or checked once, as on first
    /// use), then a new connection reads the schema version, which must be this library's.
    /// </summary>
    /// <returns>What was checked, e.g. <c>SQLite file 'bots.db': schema version 3</c>.</returns>
    /// <exception cref="EngagementStoreException">The store cannot be used; the message says why in one line.</exception>
    public async Task<string> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenProbeConnectionAsync(cancellationToken).ConfigureAwait(false);
        var version = await ReadSchemaVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
        if (version is < OldestReadableVersion or > 3)
        {
            throw version > SchemaVersion ? NewerSchema(version) : OlderSchema(version);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Description}: schema version {version}");
    }

    public async ValueTask<IReadOnlyList<string>> GetBotIdsAsync(string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // The one statement not routed by bot: a small lookup on the bots table (a multi-shard read on Citus).
        await using var command = Command(connection, null, $"SELECT bot_id FROM {Names.Bots} WHERE account_id = @account ORDER BY bot_id");
        Add(command, "account", accountId);
        var bots = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            bots.Add(reader.GetString(0));
        }

        bots.Sort(StringComparer.Ordinal);
        return bots;
    }

    public async ValueTask<IReadOnlyList<InteractionEvent>> ReadEventsAsync(string botId, long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(botId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
        if (SnapshotPrologue.Length > 0)
        {
            await ExecuteAsync(connection, transaction, SnapshotPrologue, cancellationToken).ConfigureAwait(false);
        }

        return await HistoryReader.ReadAsync(this, connection, transaction, botId, fromUtcTicks, toUtcTicks, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates or migrates the schema once per store instance (read-only: checks it); fails with
    /// <see cref="EngagementStoreException"/> on a newer schema, or on missing tables when read-only.
    /// </summary>
    public async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (ReadOnly)
            {
                var found = await CheckSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
                await CheckLayoutAsync(connection, null, found, cancellationToken).ConfigureAwait(false);
                _schemaReady = true;
                return;
            }

            await using var transaction = await BeginMigrationAsync(connection, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"CREATE TABLE IF NOT EXISTS {Names.SchemaVersion} (version integer NOT NULL, applied_utc text NOT NULL)", cancellationToken).ConfigureAwait(false);
            var current = await ReadSchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            if (current > SchemaVersion)
            {
                throw NewerSchema(current);
            }

            if (current is > 0 and < OldestReadableVersion)
            {
                throw OlderSchema(current);
            }

            await CheckLayoutAsync(connection, transaction, current, cancellationToken).ConfigureAwait(false);

            // Version 3 differs from 2 only in the blob formats it writes (format 2 activity and first-seen blobs, which a
            // version 2 library would take for damage); it reads both. Recording version 3 makes a version 2 library
            // refuse the database with its "newer schema, upgrade" message instead. Nothing is converted.
            if (current is > 0 and < 3)
            {
                await using var bump = Command(connection, transaction, $"INSERT INTO {Names.SchemaVersion} (version, applied_utc) VALUES (@version, @applied)");
                Add(bump, "version", SchemaVersion);
                Add(bump, "applied", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (current == 0)
            {
                foreach (var statement in Schema)
                {
                    await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
                }

                await using var record = Command(connection, transaction, $"INSERT INTO {Names.SchemaVersion} (version, applied_utc) VALUES (@version, @applied)");
                Add(record, "version", SchemaVersion);
                Add(record, "applied", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (current == 0)
            {
                SchemaCreated(Logger, Description, Names.Describe, SchemaVersion, null);
            }
            else if (current < SchemaVersion)
            {
                SchemaMigrated(Logger, Description, current, SchemaVersion, null);
            }
            else
            {
                SchemaFound(Logger, Description, current, null);
            }

            _schemaReady = true;
        }
        catch (EngagementStoreException ex)
        {
            // Once per store: a health probe retries the schema every few seconds.
            if (Interlocked.Exchange(ref _refusalLogged, 1) == 0)
            {
                SchemaRefused(Logger, ex.Message, null);
            }

            throw;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    // Read-only: nothing is created or migrated, so the tables must already be there, at this library's version.
    private async Task<int> CheckSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var current = await TableExistsAsync(connection, Names.SchemaVersion, cancellationToken).ConfigureAwait(false)
            ? await ReadSchemaVersionAsync(connection, null, cancellationToken).ConfigureAwait(false)
            : 0;
        if (current == 0)
        {
            throw new EngagementStoreException(Description, $"{Description} is not an EngagementMetrics store: it holds no tables {Names.Describe} (a read-only store creates none)");
        }

        if (current > SchemaVersion)
        {
            throw NewerSchema(current);
        }

        if (current < OldestReadableVersion)
        {
            throw OlderSchema(current);
        }

        return current;
    }

    private async Task<int> ReadSchemaVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        Convert.ToInt32(await ScalarAsync(connection, transaction, $"SELECT COALESCE(MAX(version), 0) FROM {Names.SchemaVersion}", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

    // Version 1 kept a full row per event with three indexes; version 2 cannot be derived from it in place without
    // rewriting every event, so the database is refused, untouched, with the way to rebuild it.
    private EngagementStoreException OlderSchema(int current) => new(
        Description,
        $"{Description}: the tables {Names.Describe} are at schema version {current}, written by an earlier EngagementMetrics; this library (version {SchemaVersion}) stores events differently and does not convert them in place. Ingest your events again into a new database (engagement ingest --store sqlite:NEW.db --events events.jsonl); the data was not touched.");

    private EngagementStoreException NewerSchema(int current) => new(
        Description,
        $"{Description}: the tables {Names.Describe} are at schema version {current}, newer than version {SchemaVersion} that this EngagementMetrics library understands. Upgrade the EngagementMetrics package; the data was not touched.");

    /// <summary>
    /// Called once the schema version is known (0: no tables yet, which a writable store is about to create), before
    /// anything is created: a store whose tables come in several layouts finds out which one it has, and fails with
    /// <see cref="EngagementStoreException"/> when it cannot use it. Nothing by default.
    /// </summary>
    protected virtual ValueTask CheckLayoutAsync(DbConnection connection, DbTransaction? transaction, int version, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>DDL statements that create the current schema version in an empty database.</summary>
    protected abstract IReadOnlyList<string> Schema { get; }

    protected internal abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>The connection of a health probe (<see cref="CheckHealthAsync"/>); by default one like any other.</summary>
    protected virtual ValueTask<DbConnection> OpenProbeConnectionAsync(CancellationToken cancellationToken) => OpenConnectionAsync(cancellationToken);

    /// <summary>Whether the table exists (a name from <see cref="Names"/>, schema-qualified where the dialect has schemas).</summary>
    protected abstract ValueTask<bool> TableExistsAsync(DbConnection connection, string table, CancellationToken cancellationToken);

    /// <summary>Begins the write transaction of an append.</summary>
    protected abstract ValueTask<DbTransaction> BeginAppendAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Takes whatever lock serialises appends of one bot, until the transaction ends (nothing where the transaction already excludes other writers).</summary>
    protected internal virtual ValueTask LockBotAsync(DbConnection connection, DbTransaction transaction, string botId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Begins a read-only transaction that sees one consistent moment.</summary>
    protected abstract ValueTask<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins the transaction that migrates the schema, serialised against other migrating processes.</summary>
    protected abstract ValueTask<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>SQL for "column is one of the strings in array parameter @name", e.g. <c>= ANY(@name)</c>.</summary>
    protected internal abstract string InArray(string parameterName);

    /// <summary>Adds a parameter holding a list of strings, in the form <see cref="InArray"/> expects.</summary>
    protected internal abstract void AddStringArray(DbCommand command, string name, IReadOnlyCollection<string> values);

    /// <summary>Adds a parameter holding a list of integers, in the form <see cref="InArray"/> expects.</summary>
    protected internal abstract void AddIntArray(DbCommand command, string name, IReadOnlyCollection<int> values);

    /// <summary>
    /// Inserts the bot's event ids that are not stored yet, set-based, and returns the ones that were already stored
    /// (duplicates; usually none). The ids are distinct; the bot is locked by the transaction.
    /// </summary>
    protected internal abstract ValueTask<HashSet<string>> InsertEventIdsAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>Moves users' first-seen instants back (by default one prepared UPDATE per user).</summary>
    protected internal virtual async Task UpdateFirstSeenAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<(string User, long Ticks)> users, CancellationToken cancellationToken)
    {
        await using var update = Command(connection, transaction, $"UPDATE {Names.Users} SET first_seen = @ticks WHERE bot_id = @bot AND user_id = @user");
        Add(update, "bot", botId);
        Add(update, "user", string.Empty);
        Add(update, "ticks", 0L);
        foreach (var (user, ticks) in users)
        {
            update.Parameters["user"].Value = user;
            update.Parameters["ticks"].Value = ticks;
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rewrites conversations' facts and day span (by default one prepared UPDATE per conversation).</summary>
    protected internal virtual async Task UpdateConversationsAsync(DbConnection connection, DbTransaction transaction, string botId, IReadOnlyList<ConversationUpdate> conversations, CancellationToken cancellationToken)
    {
        await using var update = Command(connection, transaction, $"UPDATE {Names.Conversations} SET interactive = @interactive, closed = @closed, first_day = @first, last_day = @last WHERE bot_id = @bot AND conversation_id = @id");
        Add(update, "bot", botId);
        Add(update, "id", string.Empty);
        Add(update, "interactive", false);
        Add(update, "closed", false);
        Add(update, "first", 0);
        Add(update, "last", 0);
        foreach (var row in conversations)
        {
            update.Parameters["id"].Value = row.Id;
            update.Parameters["interactive"].Value = row.Interactive;
            update.Parameters["closed"].Value = row.Closed;
            update.Parameters["first"].Value = row.FirstDay;
            update.Parameters["last"].Value = row.LastDay;
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one statement of the query path and reads its rows without allocating per row or per blob (see
    /// <see cref="RowReader"/>). Parameters: <c>@bot</c>, and <c>@first</c> and <c>@last</c> when given. By default an
    /// ADO.NET reader in sequential mode that copies blobs into pooled buffers.
    /// </summary>
    protected internal virtual async ValueTask<RowReader> ReadRowsAsync(DbConnection connection, DbTransaction transaction, string sql, string botId, int? first = null, int? last = null, CancellationToken cancellationToken = default)
    {
        var command = Command(connection, transaction, sql);
        Add(command, "bot", botId);
        if (first is { } from)
        {
            Add(command, "first", from);
        }

        if (last is { } to)
        {
            Add(command, "last", to);
        }

        return await DbRowReader.OpenAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SQL that returns a bot's conversation facts (<c>@bot</c>) as one row of one blob, a byte per conversation in
    /// ordinal order (<see cref="ConversationFacts"/> bits), or null to read them one row per conversation.
    /// </summary>
    protected internal virtual string? ConversationFactsBlobSql => null;

    internal DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        return command;
    }

    internal static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    internal async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts rows (values in column order): by default multi-row VALUES statements of <see cref="RowsPerInsert"/> rows, prepared once and re-bound.</summary>
    protected internal virtual async Task InsertRowsAsync(DbConnection connection, DbTransaction transaction, string table, string[] columns, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var perStatement = Math.Max(1, RowsPerInsert);
        DbCommand? full = null;
        try
        {
            for (var start = 0; start < rows.Count; start += perStatement)
            {
                var count = Math.Min(perStatement, rows.Count - start);
                var command = count == perStatement ? full ??= CreateInsert(connection, transaction, table, columns, count) : CreateInsert(connection, transaction, table, columns, count);
                for (var r = 0; r < count; r++)
                {
                    var row = rows[start + r];
                    for (var c = 0; c < row.Length; c++)
                    {
                        command.Parameters[(r * columns.Length) + c].Value = row[c] ?? DBNull.Value;
                    }
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (command != full)
                {
                    await command.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (full is not null)
            {
                await full.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Rows per multi-row INSERT: small, because SQLite resolves parameter names with a linear search.</summary>
    protected internal virtual int RowsPerInsert => 32;

    private DbCommand CreateInsert(DbConnection connection, DbTransaction transaction, string table, string[] columns, int count)
    {
        var sql = new System.Text.StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
        var command = Command(connection, transaction, string.Empty);
        for (var r = 0; r < count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"p{r}_{c}");
                sql.Append(c == 0 ? "@" : ", @").Append(name);
                Add(command, name, null);
            }

            sql.Append(')');
        }

        command.CommandText = sql.ToString();
        return command;
    }
}

/// <summary>One append of a relational store: one database transaction, bots locked as the pipeline reaches them.</summary>
/// <summary>A conversation's facts and UTC day span after an append.</summary>
internal readonly record struct ConversationUpdate(string Id, bool Interactive, bool Closed, int FirstDay, int LastDay);

internal sealed class AppendTransaction(RelationalInteractionStore store, DbConnection connection, DbTransaction transaction) : IAppendTransaction, IBatchLockingAppendTransaction
{
    private readonly Dictionary<string, BotRow?> _bots = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);

    // Every bot's lock before any read: a sharded PostgreSQL store's transaction reads each shard at one snapshot
    // (postgres_fdw's remote REPEATABLE READ, taken at its first read there), which must come after the locks.
    public async ValueTask LockBotsAsync(IReadOnlyList<string> botIds, CancellationToken cancellationToken = default)
    {
        foreach (var botId in botIds)
        {
            if (_locked.Add(botId))
            {
                await store.LockBotAsync(connection, transaction, botId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask<string?> LockBotAsync(string botId, CancellationToken cancellationToken = default)
    {
        if (_locked.Add(botId))
        {
            await store.LockBotAsync(connection, transaction, botId, cancellationToken).ConfigureAwait(false);
        }

        var bot = await BotAppend.ReadBotAsync(store, connection, transaction, botId, cancellationToken).ConfigureAwait(false);
        _bots[botId] = bot;
        return bot?.AccountId;
    }

    public async ValueTask<int> WriteAsync(string botId, string accountId, IReadOnlyList<InteractionEvent> events, CancellationToken cancellationToken = default)
    {
        if (!_bots.TryGetValue(botId, out var bot))
        {
            throw new InvalidOperationException($"Bot '{botId}' was not locked in this transaction.");
        }

        var writer = new BotAppend(store, connection, transaction, botId);
        var (next, duplicates) = await writer.RunAsync(events, accountId, bot, cancellationToken).ConfigureAwait(false);
        _bots[botId] = next;
        return duplicates;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken = default) =>
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}

