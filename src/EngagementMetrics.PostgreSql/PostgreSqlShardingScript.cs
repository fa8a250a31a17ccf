using System.Globalization;
using System.Text;
using EngagementMetrics.Storage.Relational;
using Npgsql;

namespace EngagementMetrics.PostgreSql;

/// <summary>
/// Creates the PostgreSQL store sharded by bot on PostgreSQL's own machinery: on a coordinator, every table of the store
/// partitioned by <c>HASH (bot_id)</c>, each partition a <c>postgres_fdw</c> foreign table on a shard server holding
/// the real table (with its keys). A <see cref="PostgreSqlInteractionStore"/> on the coordinator then works as on one
/// server (<see cref="PostgreSqlLayout.Auto"/> or <see cref="PostgreSqlLayout.Sharded"/>): a bot's rows all live in
/// one partition, so every statement about a bot is pruned to one shard. See docs/scale-out.md.
/// </summary>
/// <remarks>
/// <see cref="ToSql"/> prints the whole deployment as a psql script (what <c>engagement migrate --print-sql</c>
/// prints); <see cref="ApplyAsync(string, CancellationToken)"/> runs it (what <c>engagement migrate --shards</c> does):
/// the shards first, each in one transaction (their tables are created only when missing, so a failed run can be
/// repeated), then the coordinator in one transaction that ends by reading every partition through its foreign server,
/// so a coordinator that cannot reach a shard is left unchanged.
/// </remarks>
public sealed class PostgreSqlShardingScript
{
    private const int MaxIdentifier = 63;
    private readonly RelationalNames _names;
    private readonly ShardServer[] _shards;
    private readonly PostgreSqlShardingOptions _options;

    /// <summary>Validates <paramref name="options"/> and builds the script.</summary>
    /// <exception cref="EngagementValidationException">An option is invalid; the message names it and its value.</exception>
    public PostgreSqlShardingScript(PostgreSqlShardingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _names = new RelationalNames(options.Schema, options.TablePrefix, nameof(PostgreSqlShardingOptions.Schema), nameof(PostgreSqlShardingOptions.TablePrefix));
        if (options.Shards.Count == 0)
        {
            throw new EngagementValidationException(nameof(PostgreSqlShardingOptions.Shards), string.Empty, "Shards is empty: give at least one shard server's connection string");
        }

        Partitions = options.Partitions == 0 ? options.Shards.Count : options.Partitions;
        if (options.Partitions != 0 && (options.Partitions < options.Shards.Count || options.Partitions > 1024))
        {
            throw new EngagementValidationException(nameof(PostgreSqlShardingOptions.Partitions), options.Partitions.ToString(CultureInfo.InvariantCulture), $"Partitions {options.Partitions} is out of range: at least one per shard ({options.Shards.Count}) and at most 1024 (0: one per shard)");
        }

        Check(nameof(PostgreSqlShardingOptions.BatchSize), options.BatchSize, 10_000);
        Check(nameof(PostgreSqlShardingOptions.FetchSize), options.FetchSize, 100_000);
        var longest = $"{_names.Prefix}conversations_p{Partitions - 1}_ordinal";
        if (longest.Length > MaxIdentifier)
        {
            throw new EngagementValidationException(nameof(PostgreSqlShardingOptions.TablePrefix), options.TablePrefix, $"TablePrefix '{options.TablePrefix}' is too long for {Partitions} partitions: '{longest}' exceeds PostgreSQL's {MaxIdentifier} characters");
        }

        _shards = [.. options.Shards.Select((connection, i) => ShardServer.Parse(connection, i, ServerName(i)))];
    }

    /// <summary>Hash partitions per table (the modulus).</summary>
    public int Partitions { get; }

    /// <summary>The coordinator's <c>postgres_fdw</c> server of each shard, in the order of <see cref="PostgreSqlShardingOptions.Shards"/>: <c>{prefix}{schema}_shard{n}</c>.</summary>
    public IReadOnlyList<string> ServerNames => [.. _shards.Select(static s => s.ServerName)];

    /// <summary>The shard (index into <see cref="PostgreSqlShardingOptions.Shards"/>) holding partition <paramref name="remainder"/>.</summary>
    public int ShardOf(int remainder) => remainder % _shards.Length;

    /// <summary>What to run on shard <paramref name="shard"/> (0-based): the schema, and the tables of its partitions with their keys.</summary>
    public IReadOnlyList<string> ShardStatements(int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, _shards.Length);
        var statements = new List<string> { $"CREATE SCHEMA IF NOT EXISTS {_options.Schema}" };
        for (var remainder = shard; remainder < Partitions; remainder += _shards.Length)
        {
            foreach (var table in PostgreSqlTables.All)
            {
                statements.AddRange(PostgreSqlTables.Create(_names, table, PostgreSqlTables.Partition(_names, table, remainder), ifNotExists: true));
            }
        }

        return statements;
    }

    /// <summary>
    /// What to run on the coordinator: <c>postgres_fdw</c>, a foreign server and user mapping per shard, the schema
    /// version, and every table partitioned by hash of the bot with its partitions as foreign tables.
    /// </summary>
    /// <param name="passwordsAsPsqlVariables">True to write each shard's password as the psql variable
    /// <c>:'shardN_password'</c> instead of its value (for a script that is printed).</param>
    public IReadOnlyList<string> CoordinatorStatements(bool passwordsAsPsqlVariables = false)
    {
        var statements = new List<string> { "CREATE EXTENSION IF NOT EXISTS postgres_fdw" };
        foreach (var shard in _shards)
        {
            statements.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"CREATE SERVER {shard.ServerName} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host {Literal(shard.Host)}, port '{shard.Port}', dbname {Literal(shard.Database)}{(shard.SslMode is { } ssl ? $", sslmode {Literal(ssl)}" : string.Empty)}, batch_size '{_options.BatchSize}', fetch_size '{_options.FetchSize}', async_capable '{(_options.AsyncCapable ? "true" : "false")}')"));
            var password = shard.Password is null ? string.Empty : $", password {(passwordsAsPsqlVariables ? $":'shard{shard.Index + 1}_password'" : Literal(shard.Password))}";
            statements.Add($"CREATE USER MAPPING FOR CURRENT_USER SERVER {shard.ServerName} OPTIONS (user {Literal(shard.User)}{password})");
        }

        statements.Add($"CREATE SCHEMA IF NOT EXISTS {_options.Schema}");
        statements.Add($"CREATE TABLE {_names.SchemaVersion} (version integer NOT NULL, applied_utc text NOT NULL)");
        statements.Add(string.Create(CultureInfo.InvariantCulture, $"INSERT INTO {_names.SchemaVersion} (version, applied_utc) VALUES ({RelationalInteractionStore.SchemaVersion}, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))"));
        foreach (var table in PostgreSqlTables.All)
        {
            // No key on the partitioned table: a foreign partition cannot have an index. Each shard's partition has the keys.
            var parent = PostgreSqlTables.Qualified(_names, _names.Prefix + table.Name);
            statements.Add($"CREATE TABLE {parent} ({table.Columns}) PARTITION BY HASH (bot_id)");
            for (var remainder = 0; remainder < Partitions; remainder++)
            {
                var partition = PostgreSqlTables.Partition(_names, table, remainder);
                statements.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"CREATE FOREIGN TABLE {PostgreSqlTables.Qualified(_names, partition)} PARTITION OF {parent} FOR VALUES WITH (MODULUS {Partitions}, REMAINDER {remainder}) SERVER {_shards[ShardOf(remainder)].ServerName} OPTIONS (schema_name {Literal(_options.Schema)}, table_name {Literal(partition)})"));
            }
        }

        return statements;
    }

    /// <summary>
    /// The whole deployment as a psql script: each shard's part, then the coordinator's, each in a transaction, under
    /// a comment naming the server to run it on. Passwords are psql variables (<c>psql -v shard1_password=...</c>),
    /// never printed.
    /// </summary>
    public string ToSql()
    {
        var sql = new StringBuilder();
        sql.Append(CultureInfo.InvariantCulture, $"-- EngagementMetrics: the PostgreSQL store sharded by bot (schema version {RelationalInteractionStore.SchemaVersion}), tables {_names.Describe},\n");
        sql.Append(CultureInfo.InvariantCulture, $"-- {Partitions} hash partitions of bot_id on {_shards.Length} shard server(s) through postgres_fdw. See docs/scale-out.md.\n");
        sql.Append("-- Run each part on the server it names, the shards first.\n");
        if (_shards.Any(static s => s.Password is not null))
        {
            sql.Append("-- Passwords are psql variables: psql -v shard1_password=... on the coordinator.\n");
        }

        foreach (var shard in _shards)
        {
            sql.Append(CultureInfo.InvariantCulture, $"\n-- Shard {shard.Index + 1}: {shard.Description}\nBEGIN;\n");
            foreach (var statement in ShardStatements(shard.Index))
            {
                sql.Append(statement).Append(";\n");
            }

            sql.Append("COMMIT;\n");
        }

        sql.Append("\n-- Coordinator\nBEGIN;\n");
        foreach (var statement in CoordinatorStatements(passwordsAsPsqlVariables: true))
        {
            sql.Append(statement).Append(";\n");
        }

        sql.Append("COMMIT;\n");
        return sql.ToString();
    }

    /// <summary>Creates the deployment: the shards' tables, then the coordinator's (see the remarks of the class).</summary>
    /// <param name="coordinatorConnectionString">The coordinator, as an Npgsql connection string.</param>
    /// <param name="cancellationToken">Cancels the work (what a transaction had done is rolled back).</param>
    /// <exception cref="EngagementStoreException">A server cannot be reached or refuses a statement, or the coordinator
    /// already holds the store's tables (nothing is changed then); the message names the server.</exception>
    public async Task ApplyAsync(string coordinatorConnectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coordinatorConnectionString);
        var coordinator = Describe(coordinatorConnectionString, "coordinator");
        await using var coordinatorConnection = await OpenAsync(coordinatorConnectionString, coordinator, cancellationToken).ConfigureAwait(false);
        await RunAsync(coordinator, async () =>
        {
            await using var check = new NpgsqlCommand("SELECT to_regclass(@bots) IS NOT NULL, EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgres_fdw')", coordinatorConnection);
            check.Parameters.AddWithValue("bots", _names.Bots);
            await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetBoolean(0))
            {
                throw new EngagementStoreException(coordinator, $"{coordinator} already holds the tables {_names.Describe}; nothing was changed (drop them, or choose another schema or prefix)");
            }

            if (!reader.GetBoolean(1))
            {
                throw new EngagementStoreException(coordinator, $"{coordinator} has no postgres_fdw extension to install (it ships with PostgreSQL's contrib modules); nothing was changed");
            }
        }).ConfigureAwait(false);

        foreach (var shard in _shards)
        {
            var name = $"{shard.Description} (shard {shard.Index + 1})";
            await using var connection = await OpenAsync(shard.ConnectionString, name, cancellationToken).ConfigureAwait(false);
            await RunAsync(name, () => ExecuteAllAsync(connection, ShardStatements(shard.Index), [], cancellationToken)).ConfigureAwait(false);
        }

        // Reading every partition proves the coordinator reaches each shard with its user mapping and finds the tables.
        var probes = PostgreSqlTables.All.SelectMany(table => Enumerable.Range(0, Partitions).Select(r => $"SELECT 1 FROM {PostgreSqlTables.Qualified(_names, PostgreSqlTables.Partition(_names, table, r))} LIMIT 1"));
        await RunAsync(coordinator, () => ExecuteAllAsync(coordinatorConnection, CoordinatorStatements(), [.. probes], cancellationToken)).ConfigureAwait(false);
    }

    private static async Task ExecuteAllAsync(NpgsqlConnection connection, IReadOnlyList<string> statements, IReadOnlyList<string> probes, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var statement in statements.Concat(probes))
        {
            await using var command = new NpgsqlCommand(statement, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // A server's refusal as one line naming it (the driver's error inside).
    private static async Task RunAsync(string server, Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            var detail = ex.Detail is { Length: > 0 } d ? $" ({d.Split('\n')[0].Trim()})" : string.Empty;
            throw new EngagementStoreException(server, $"{server}: {ex.MessageText}{detail} ({ex.SqlState}); that server's part was rolled back", ex);
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, string server, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            var cause = ex is PostgresException pg ? $"{pg.MessageText} ({pg.SqlState})" : ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{ex.Message}: {inner.Message}" : ex.Message;
            throw new EngagementStoreException(server, $"{server} cannot be reached: {cause}", ex);
        }
    }

    private static string Describe(string connectionString, string role)
    {
        try
        {
            return $"{PostgreSqlInteractionStore.Describe(connectionString)} ({role})";
        }
        catch (ArgumentException ex)
        {
            throw new EngagementValidationException("coordinator", "(hidden)", $"the coordinator's connection string is not valid: {ex.Message}");
        }
    }

    private string ServerName(int shard)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{_names.Prefix}{_options.Schema}_shard{shard + 1}");
        if (name.Length > MaxIdentifier)
        {
            throw new EngagementValidationException(nameof(PostgreSqlShardingOptions.Schema), _options.Schema, $"Schema '{_options.Schema}' with TablePrefix '{_options.TablePrefix}' makes the foreign server name '{name}', longer than PostgreSQL's {MaxIdentifier} characters");
        }

        return name;
    }

    private static void Check(string option, int value, int max)
    {
        if (value < 1 || value > max)
        {
            throw new EngagementValidationException(option, value.ToString(CultureInfo.InvariantCulture), $"{option} {value} is out of range: 1 to {max.ToString("N0", CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>A SQL string literal.</summary>
    internal static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>One shard server, from its connection string.</summary>
    private sealed record ShardServer(int Index, string ConnectionString, string ServerName, string Host, int Port, string Database, string User, string? Password, string? SslMode)
    {
        public string Description => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}/{Database}");

        public static ShardServer Parse(string connectionString, int index, string serverName)
        {
            var option = string.Create(CultureInfo.InvariantCulture, $"Shards[{index}]");
            NpgsqlConnectionStringBuilder builder;
            try
            {
                builder = new NpgsqlConnectionStringBuilder(connectionString ?? string.Empty);
            }
            catch (ArgumentException ex)
            {
                throw new EngagementValidationException(option, "(hidden)", $"{option} is not a valid connection string: {ex.Message}");
            }

            var shown = string.Create(CultureInfo.InvariantCulture, $"{builder.Host}:{builder.Port}/{builder.Database}");
            if (string.IsNullOrWhiteSpace(builder.Host) || builder.Host.Contains(',', StringComparison.Ordinal))
            {
                throw new EngagementValidationException(option, shown, $"{option} '{shown}' must name exactly one host, e.g. 'Host=10.0.0.2;Username=em;Database=bots'");
            }

            if (string.IsNullOrWhiteSpace(builder.Username))
            {
                throw new EngagementValidationException(option, shown, $"{option} '{shown}' names no Username: the coordinator's user mapping needs one");
            }

            var ssl = builder.SslMode switch
            {
                Npgsql.SslMode.Disable => "disable",
                Npgsql.SslMode.Allow => "allow",
                Npgsql.SslMode.Require => "require",
                Npgsql.SslMode.VerifyCA => "verify-ca",
                Npgsql.SslMode.VerifyFull => "verify-full",
                _ => null, // Prefer, libpq's default too
            };
            return new ShardServer(index, connectionString!, serverName, builder.Host, builder.Port, builder.Database ?? builder.Username, builder.Username, builder.Password, ssl);
        }
    }
}
