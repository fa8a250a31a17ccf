namespace EngagementMetrics.Json;

/// <summary>
/// The CSV columns of a document's row type: each column's header (the JSON field name) and how its cell is read from
/// a row. One definition per row type, built once; <see cref="ToTable"/> binds it to a document's rows.
/// </summary>
/// <typeparam name="TRow">The row type: a data point, a bucket, a cohort, ...</typeparam>
/// <remarks>
/// <para>
/// Immutable and thread-safe: <see cref="Add"/> and <see cref="AddArray"/> return a new definition.
/// </para>
/// <para>
/// An array field of a row (retention's <c>retained</c>) becomes one column per index, named <c>retained[0]</c>,
/// <c>retained[1]</c>, ..., as many as the longest array among the table's rows; a shorter array leaves the cells past
/// its end empty.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// static readonly CsvColumns&lt;RocketChatHourPoint&gt; Columns = new CsvColumns&lt;RocketChatHourPoint&gt;()
///     .Add("users", static p =&gt; p.Users)
///     .Add("hour", static p =&gt; p.Hour);
/// CsvTable table = Columns.ToTable(document.Hours);
/// </code>
/// </example>
public sealed class CsvColumns<TRow>
{
    private readonly Column[] _columns;

    /// <summary>A definition without columns.</summary>
    public CsvColumns()
        : this([])
    {
    }

    private CsvColumns(Column[] columns) => _columns = columns;

    /// <summary>The number of column definitions (an array column counts once).</summary>
    public int Count => _columns.Length;

    /// <summary>This definition and one more column.</summary>
    /// <param name="name">The header: the row's JSON field name.</param>
    /// <param name="value">The cell of a row (a string, number or null converts implicitly).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public CsvColumns<TRow> Add(string name, Func<TRow, CsvValue> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return new([.. _columns, new Column(name, value, null, null)]);
    }

    /// <summary>This definition and an array field, flattened into the columns <c>name[0]</c>, <c>name[1]</c>, ...</summary>
    /// <param name="name">The array's JSON field name.</param>
    /// <param name="length">The number of entries of a row's array.</param>
    /// <param name="item">Entry <c>i</c> of a row's array.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="length"/> or <paramref name="item"/> is null.</exception>
    public CsvColumns<TRow> AddArray(string name, Func<TRow, int> length, Func<TRow, int, CsvValue> item)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(length);
        ArgumentNullException.ThrowIfNull(item);
        return new([.. _columns, new Column(name, null, length, item)]);
    }

    /// <summary>The table of <paramref name="rows"/>, one CSV row each, in their order.</summary>
    /// <remarks>The rows are read when the table is written (or a cell is asked for), not copied.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The table would have no column: the definition has none, or only array columns and no row has an entry.</exception>
    public CsvTable ToTable(IReadOnlyList<TRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // Each table column is (definition, entry): entry -1 for a plain column, else the array index.
        var header = new List<string>();
        var map = new List<(Column Column, int Entry)>();
        foreach (var column in _columns)
        {
            if (column.Value is not null)
            {
                header.Add(column.Name);
                map.Add((column, -1));
                continue;
            }

            var width = 0;
            for (var r = 0; r < rows.Count; r++)
            {
                width = Math.Max(width, column.Length!(rows[r]));
            }

            for (var i = 0; i < width; i++)
            {
                header.Add($"{column.Name}[{i}]");
                map.Add((column, i));
            }
        }

        if (header.Count == 0)
        {
            // No column at all, or only array columns and no row with an entry: a CSV row needs a field.
            throw new InvalidOperationException("A CSV table needs at least one column.");
        }

        var cells = map.ToArray();
        return new CsvTable([.. header], rows.Count, (row, index) =>
        {
            var (column, entry) = cells[index];
            var value = rows[row];
            if (entry < 0)
            {
                return column.Value!(value);
            }

            return entry < column.Length!(value) ? column.Item!(value, entry) : CsvValue.Null;
        });
    }

    private sealed record Column(string Name, Func<TRow, CsvValue>? Value, Func<TRow, int>? Length, Func<TRow, int, CsvValue>? Item);
}
