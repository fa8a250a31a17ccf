using System.Buffers;
using System.Buffers.Text;
using System.Text.Unicode;

namespace EngagementMetrics.Json;

/// <summary>
/// Writes RFC 4180 CSV as UTF-8 (no byte order mark) straight into an <see cref="IBufferWriter{T}"/>: fields separated
/// by commas, rows ended by CRLF, a field quoted when it holds a comma, a double quote, CR or LF, with its double quotes
/// doubled; numbers in the invariant culture with <c>.</c> decimals and no exponent; <c>null</c> as an empty field.
/// </summary>
/// <remarks>
/// <para>
/// No string is made per field: text is transcoded from its UTF-16 span into the output, numbers are formatted in
/// place. A lone surrogate, which has no UTF-8 form, is written as U+FFFD.
/// </para>
/// <para>
/// A row whose only field is empty is written <c>""</c>, so that it is not a blank line (which many readers skip).
/// Not thread-safe: one writer per output, used by one thread at a time.
/// </para>
/// </remarks>
public sealed class Utf8CsvWriter
{
    /// <summary>The longest number text: a decimal, 29 digits, a sign and a point.</summary>
    internal const int MaxNumberBytes = 32;

    // Above this, text is transcoded in pieces rather than into one span sized for the whole of it.
    private const int MaxChunkChars = 8 * 1024;

    private static readonly SearchValues<char> MustQuote = SearchValues.Create(",\"\r\n");

    private readonly IBufferWriter<byte> _output;
    private int _fieldsInRow;
    private bool _lastFieldEmpty;

    /// <summary>A writer that appends to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public Utf8CsvWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>The number of fields written to the current row so far.</summary>
    public int FieldsInRow => _fieldsInRow;

    /// <summary>Writes a text field, quoted when it holds a comma, a double quote, CR or LF.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        StartField(value.IsEmpty);
        if (value.IsEmpty)
        {
            return;
        }

        if (value.IndexOfAny(MustQuote) < 0)
        {
            WriteUtf8(value);
            return;
        }

        WriteByte((byte)'"');
        while (value.IndexOf('"') is var quote and >= 0)
        {
            // The text up to and including the quote, then the quote again.
            WriteUtf8(value[..(quote + 1)]);
            WriteByte((byte)'"');
            value = value[(quote + 1)..];
        }

        WriteUtf8(value);
        WriteByte((byte)'"');
    }

    /// <summary>Writes a text field, or an empty field for <see langword="null"/>.</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }

        WriteString(value.AsSpan());
    }

    /// <summary>Writes a whole number in the invariant culture (<c>-12</c>).</summary>
    public void WriteNumber(long value)
    {
        StartField(empty: false);
        var span = _output.GetSpan(MaxNumberBytes);
        Utf8Formatter.TryFormat(value, span, out var written);
        _output.Advance(written);
    }

    /// <summary>
    /// Writes a decimal exactly as the JSON documents do (System.Text.Json's formatting): invariant culture, <c>.</c>
    /// decimals, never an exponent, the value's own scale (<c>0.4</c>, <c>2.68</c>, <c>600</c>).
    /// </summary>
    public void WriteNumber(decimal value)
    {
        StartField(empty: false);
        var span = _output.GetSpan(MaxNumberBytes);
        Utf8Formatter.TryFormat(value, span, out var written);
        _output.Advance(written);
    }

    /// <summary>Writes an empty field: the document's <c>null</c>.</summary>
    public void WriteNull() => StartField(empty: true);

    /// <summary>Ends the current row with CRLF.</summary>
    /// <exception cref="InvalidOperationException">The row has no field (an empty line is not a CSV row).</exception>
    public void EndRow()
    {
        if (_fieldsInRow == 0)
        {
            throw new InvalidOperationException("A CSV row needs at least one field.");
        }

        if (_fieldsInRow == 1 && _lastFieldEmpty)
        {
            "\"\""u8.CopyTo(_output.GetSpan(2));
            _output.Advance(2);
        }

        "\r\n"u8.CopyTo(_output.GetSpan(2));
        _output.Advance(2);
        _fieldsInRow = 0;
    }

    private void StartField(bool empty)
    {
        if (_fieldsInRow++ > 0)
        {
            WriteByte((byte)',');
        }

        _lastFieldEmpty = empty;
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            // Up to three bytes per UTF-16 unit (a surrogate pair is two units for four bytes); at least four, so that
            // any one scalar fits and the loop always moves on.
            var span = _output.GetSpan(Math.Max(4, Math.Min(text.Length, MaxChunkChars) * 3));
            Utf8.FromUtf16(text, span, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: true);
            _output.Advance(written);
            text = text[read..];
        }
    }
}
