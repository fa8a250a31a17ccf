using System.Buffers;
using System.Text;

namespace EngagementMetrics.Json;

/// <summary>
/// A document's rows as a table: a header of JSON field names and one row per entry of the document's row array.
/// Written as RFC 4180 CSV (<see cref="WriteTo"/>, <see cref="WriteToAsync"/>), or read cell by cell to show it
/// otherwise (the CLI's aligned table).
/// </summary>
/// <remarks>
/// Made by <see cref="EngagementCsv"/> for the documents of this package, or by <see cref="CsvColumns{TRow}.ToTable"/>.
/// The table reads the document's rows when it is written; it is safe to write from several threads as long as the
/// document is not changed.
/// </remarks>
public sealed class CsvTable
{
    // What WriteToAsync collects before each write to the stream.
    private const int StreamChunkBytes = 16 * 1024;

    private readonly string[] _header;
    private readonly Func<int, int, CsvValue> _cell;

    internal CsvTable(string[] header, int rowCount, Func<int, int, CsvValue> cell)
    {
        _header = header;
        RowCount = rowCount;
        _cell = cell;
    }

    /// <summary>The column names, in order: the JSON field names of a row (an array field as <c>name[0]</c>, <c>name[1]</c>, ...).</summary>
    public IReadOnlyList<string> Header => _header;

    /// <summary>The number of rows, the header not counted.</summary>
    public int RowCount { get; }

    /// <summary>The cell of a row (0 to <see cref="RowCount"/> - 1) and column (0 to the header's count - 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The row or column is out of range.</exception>
    public CsvValue this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _header.Length);
            return _cell(row, column);
        }
    }

    /// <summary>Writes the header and every row as CSV (UTF-8, CRLF after each row, the last included).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public void WriteTo(IBufferWriter<byte> output)
    {
        var writer = new Utf8CsvWriter(output);
        WriteHeader(writer);
        for (var row = 0; row < RowCount; row++)
        {
            WriteRow(writer, row);
        }
    }

    /// <summary>Writes the header and every row as CSV to a stream, in pieces of about 16 KB.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public async Task WriteToAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new ArrayBufferWriter<byte>(StreamChunkBytes * 2);
        var writer = new Utf8CsvWriter(buffer);
        WriteHeader(writer);
        for (var row = 0; row < RowCount; row++)
        {
            WriteRow(writer, row);
            if (buffer.WrittenCount >= StreamChunkBytes)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }

        await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The CSV text (header and rows, CRLF line ends).</summary>
    public string ToCsv()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteHeader(Utf8CsvWriter writer)
    {
        foreach (var name in _header)
        {
            writer.WriteString(name);
        }

        writer.EndRow();
    }

    private void WriteRow(Utf8CsvWriter writer, int row)
    {
        for (var column = 0; column < _header.Length; column++)
        {
            _cell(row, column).WriteTo(writer);
        }

        writer.EndRow();
    }
}
