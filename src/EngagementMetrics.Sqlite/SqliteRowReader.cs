using EngagementMetrics.Storage.Relational;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EngagementMetrics.Sqlite;

/// <summary>
/// The query path's <see cref="RowReader"/> on SQLite: one statement prepared and stepped through SQLite's own API on
/// the snapshot's connection (inside its read transaction), so a blob is a span over SQLite's memory, valid until the
/// next step, instead of a new array per value as ADO.NET readers return it.
/// </summary>
internal sealed class SqliteRowReader : RowReader
{
    private readonly sqlite3 _database;
    private sqlite3_stmt? _statement;

    private SqliteRowReader(sqlite3 database, sqlite3_stmt statement)
    {
        _database = database;
        _statement = statement;
    }

    /// <summary>Prepares <paramref name="sql"/> and binds <c>@bot</c>, and <c>@first</c> and <c>@last</c> when given.</summary>
    public static SqliteRowReader Open(SqliteConnection connection, string sql, string botId, int? first, int? last)
    {
        var database = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(database, sql, out var prepared);
        if (rc != raw.SQLITE_OK)
        {
            prepared?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, database);
        }

        var statement = prepared ?? throw new InvalidOperationException("SQLite prepared no statement.");

        try
        {
            Bind(database, statement, "@bot", botId);
            if (first is { } from)
            {
                Bind(database, statement, "@first", from);
            }

            if (last is { } to)
            {
                Bind(database, statement, "@last", to);
            }

            return new SqliteRowReader(database, statement);
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var rc = raw.sqlite3_step(Statement);
        if (rc == raw.SQLITE_ROW)
        {
            return new(true);
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }

        return new(false);
    }

    public override int GetInt32(int ordinal) => raw.sqlite3_column_int(Statement, ordinal);

    public override long GetInt64(int ordinal) => raw.sqlite3_column_int64(Statement, ordinal);

    public override bool GetBoolean(int ordinal) => raw.sqlite3_column_int(Statement, ordinal) != 0;

    public override string GetString(int ordinal) => raw.sqlite3_column_text(Statement, ordinal).utf8_to_string();

    public override ReadOnlySpan<byte> GetBlob(int ordinal) => raw.sqlite3_column_blob(Statement, ordinal);

    public override ValueTask DisposeAsync()
    {
        _statement?.Dispose();
        _statement = null;
        return ValueTask.CompletedTask;
    }

    private sqlite3_stmt Statement => _statement ?? throw new ObjectDisposedException(nameof(SqliteRowReader));

    private static void Bind(sqlite3 database, sqlite3_stmt statement, string name, string value)
    {
        var rc = raw.sqlite3_bind_text(statement, Index(statement, name), value);
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, database);
        }
    }

    private static void Bind(sqlite3 database, sqlite3_stmt statement, string name, int value)
    {
        var rc = raw.sqlite3_bind_int(statement, Index(statement, name), value);
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, database);
        }
    }

    private static int Index(sqlite3_stmt statement, string name)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, name);
        return index > 0 ? index : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
    }
}
