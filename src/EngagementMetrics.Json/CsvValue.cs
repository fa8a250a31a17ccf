using System.Buffers.Text;
using System.Globalization;

namespace EngagementMetrics.Json;

/// <summary>What a <see cref="CsvValue"/> holds.</summary>
public enum CsvValueKind
{
    /// <summary>Nothing: JSON <c>null</c>, written as an empty cell.</summary>
    Null,

    /// <summary>Text, quoted when it must be (RFC 4180).</summary>
    Text,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A decimal number, written as the JSON documents write it (<c>.</c> decimals, no exponent).</summary>
    Number,
}

/// <summary>
/// One cell of a CSV row: text, a whole number, a decimal number, or empty (the document's <c>null</c>). Strings,
/// integers and decimals (nullable too) convert to it implicitly, so a column reads <c>static p =&gt; p.Users</c>.
/// </summary>
/// <remarks>Holds a reference to the document's own string, never a copy; numbers are formatted only when written.</remarks>
public readonly struct CsvValue : IEquatable<CsvValue>
{
    private readonly string? _text;
    private readonly long _integer;
    private readonly decimal _number;

    private CsvValue(CsvValueKind kind, string? text, long integer, decimal number)
    {
        Kind = kind;
        _text = text;
        _integer = integer;
        _number = number;
    }

    /// <summary>The empty cell.</summary>
    public static CsvValue Null => default;

    /// <summary>What the cell holds.</summary>
    public CsvValueKind Kind { get; }

    /// <summary>Whether the cell is empty because the document's value is <c>null</c>.</summary>
    public bool IsNull => Kind == CsvValueKind.Null;

    /// <summary>Whether the cell holds a number (whole or decimal).</summary>
    public bool IsNumber => Kind is CsvValueKind.Integer or CsvValueKind.Number;

    /// <summary>A text cell, or the empty cell for <see langword="null"/>.</summary>
    public static CsvValue FromText(string? text) => text is null ? default : new(CsvValueKind.Text, text, 0, 0);

    /// <summary>A whole-number cell.</summary>
    public static CsvValue FromInt64(long value) => new(CsvValueKind.Integer, null, value, 0);

    /// <summary>A decimal cell, or the empty cell for <see langword="null"/>.</summary>
    public static CsvValue FromDecimal(decimal? value) => value is { } v ? new(CsvValueKind.Number, null, 0, v) : default;

    /// <summary>A text cell, or the empty cell for <see langword="null"/>.</summary>
    public static implicit operator CsvValue(string? text) => FromText(text);

    /// <summary>A whole-number cell.</summary>
    public static implicit operator CsvValue(long value) => FromInt64(value);

    /// <summary>A decimal cell.</summary>
    public static implicit operator CsvValue(decimal value) => FromDecimal(value);

    /// <summary>A decimal cell, or the empty cell for <see langword="null"/>.</summary>
    public static implicit operator CsvValue(decimal? value) => FromDecimal(value);

    /// <summary>Writes the cell to a CSV row.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    public void WriteTo(Utf8CsvWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (Kind)
        {
            case CsvValueKind.Text:
                writer.WriteString(_text.AsSpan());
                break;
            case CsvValueKind.Integer:
                writer.WriteNumber(_integer);
                break;
            case CsvValueKind.Number:
                writer.WriteNumber(_number);
                break;
            default:
                writer.WriteNull();
                break;
        }
    }

    /// <summary>
    /// The cell's text before CSV quoting: the string, the number as the JSON documents write it (invariant culture,
    /// <c>.</c> decimals, no exponent), or the empty string for <see cref="Null"/>.
    /// </summary>
    public override string ToString() => Kind switch
    {
        CsvValueKind.Text => _text!,
        CsvValueKind.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        CsvValueKind.Number => FormatDecimal(_number),
        _ => string.Empty,
    };

    // The formatter System.Text.Json writes decimals with (Utf8JsonWriter.WriteNumberValue), so a cell's digits are the
    // JSON document's digits, trailing zeros and all.
    private static string FormatDecimal(decimal value)
    {
        Span<byte> utf8 = stackalloc byte[Utf8CsvWriter.MaxNumberBytes];
        Utf8Formatter.TryFormat(value, utf8, out var written);
        return System.Text.Encoding.ASCII.GetString(utf8[..written]);
    }

    /// <inheritdoc />
    public bool Equals(CsvValue other) => Kind == other.Kind && Kind switch
    {
        CsvValueKind.Text => string.Equals(_text, other._text, StringComparison.Ordinal),
        CsvValueKind.Integer => _integer == other._integer,
        CsvValueKind.Number => _number == other._number,
        _ => true,
    };

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CsvValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        CsvValueKind.Text => HashCode.Combine(Kind, StringComparer.Ordinal.GetHashCode(_text!)),
        CsvValueKind.Integer => HashCode.Combine(Kind, _integer),
        CsvValueKind.Number => HashCode.Combine(Kind, _number),
        _ => 0,
    };

    /// <summary>Whether two cells hold the same kind and value.</summary>
    public static bool operator ==(CsvValue left, CsvValue right) => left.Equals(right);

    /// <summary>Whether two cells differ in kind or value.</summary>
    public static bool operator !=(CsvValue left, CsvValue right) => !left.Equals(right);
}
