using System.Buffers;
using System.Data;
using System.Data.Common;

namespace EngagementMetrics.Storage.Relational;

/// <summary>
/// A forward-only reader of one statement's rows for the query path, whose blob columns are read without allocating:
/// <see cref="GetBlob"/> returns memory that stays valid only until the next <see cref="ReadAsync"/>. Columns must be
/// read in increasing order, each at most once per row (PostgreSQL streams the row).
/// </summary>
internal abstract class RowReader : IAsyncDisposable
{
    /// <summary>Moves to the next row; false after the last.</summary>
    public abstract ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    public abstract int GetInt32(int ordinal);

    public abstract long GetInt64(int ordinal);

    public abstract bool GetBoolean(int ordinal);

    public abstract string GetString(int ordinal);

    /// <summary>The column's bytes, valid until the next <see cref="ReadAsync"/> or <see cref="DisposeAsync"/>.</summary>
    public abstract ReadOnlySpan<byte> GetBlob(int ordinal);

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// The ADO.NET form of <see cref="RowReader"/> (PostgreSQL): the reader streams the row
/// (<see cref="CommandBehavior.SequentialAccess"/>), and each blob column is copied into a pooled buffer kept for
/// that column and reused row after row, instead of a new array per value.
/// </summary>
internal sealed class DbRowReader(DbCommand command, DbDataReader reader) : RowReader
{
    private byte[]?[] _buffers = [];

    public static async ValueTask<RowReader> OpenAsync(DbCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            return new DbRowReader(command, reader);
        }
        catch
        {
            await command.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        // Npgsql does not look at the token while the rows are already buffered: a long read stops at the next row.
        cancellationToken.ThrowIfCancellationRequested();
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    public override int GetInt32(int ordinal) => reader.GetInt32(ordinal);

    public override long GetInt64(int ordinal) => reader.GetInt64(ordinal);

    public override bool GetBoolean(int ordinal) => reader.GetBoolean(ordinal);

    public override string GetString(int ordinal) => reader.GetString(ordinal);

    public override ReadOnlySpan<byte> GetBlob(int ordinal)
    {
        var length = checked((int)reader.GetBytes(ordinal, 0, null, 0, 0));
        if (_buffers.Length <= ordinal)
        {
            Array.Resize(ref _buffers, ordinal + 1);
        }

        var buffer = _buffers[ordinal];
        if (buffer is null || buffer.Length < length)
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            buffer = _buffers[ordinal] = ArrayPool<byte>.Shared.Rent(Math.Max(length, 4096));
        }

        var read = 0;
        while (read < length)
        {
            var chunk = (int)reader.GetBytes(ordinal, read, buffer, read, length - read);
            if (chunk <= 0)
            {
                throw new InvalidDataException($"A blob column ended after {read} of its {length} bytes.");
            }

            read += chunk;
        }

        return buffer.AsSpan(0, length);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var buffer in _buffers)
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _buffers = [];
        try
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }
    }
}
