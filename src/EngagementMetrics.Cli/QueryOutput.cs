using System.CommandLine;
using EngagementMetrics.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace EngagementMetrics.Cli;

/// <summary>
/// <c>--output json|csv|table</c> of the query commands: the JSON document (the default, as it always was), its rows
/// as RFC 4180 CSV, or its rows as an aligned table for a terminal. A query command adds it in one line,
/// <c>var output = QueryOutput.AddTo(command);</c>, and ends with <c>output.WriteAsync(...)</c>.
/// </summary>
internal sealed class QueryOutput
{
    private const string Name = "--output";

    private readonly Option<string?> _option;

    private QueryOutput(Option<string?> option) => _option = option;

    private enum Format
    {
        Json,
        Csv,
        Table,
    }

    /// <summary>
    /// Adds <c>--output</c> to a command. A value other than json, csv or table (any letter case) is refused when the
    /// command line is parsed, before anything is read: one line naming the option and the value, exit 2.
    /// </summary>
    public static QueryOutput AddTo(Command command)
    {
        var option = new Option<string?>(Name) { Description = "json (default): the document; csv: its rows as RFC 4180 CSV (a header of the JSON field names); table: its rows as an aligned table." };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (Parse(value) is null)
            {
                result.AddError($"invalid {Name} '{value}': expected json, csv or table");
            }
        });
        command.Add(option);
        return new QueryOutput(option);
    }

    /// <summary>Prints the answer in the chosen form: <paramref name="json"/> as is (and a line end), or the rows of <paramref name="table"/>.</summary>
    public async Task WriteAsync(ParseResult parse, TextWriter stdout, Func<string> json, Func<CsvTable> table)
    {
        switch (Parse(parse.GetValue(_option)))
        {
            case Format.Csv:
                // CRLF after every row, the last included (RFC 4180): nothing is added.
                await stdout.WriteAsync(table().ToCsv());
                break;
            case Format.Table:
                WriteTable(stdout, table());
                break;
            default:
                await stdout.WriteLineAsync(json());
                break;
        }
    }

    private static Format? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "json" => Format.Json,
        "csv" => Format.Csv,
        "table" => Format.Table,
        _ => null,
    };

    // The CSV's header and rows, numbers right-aligned, null as an empty cell; cells are plain text, never markup. A
    // table wider than the console (the hourly trend's 24 hour columns on a terminal) is printed as several tables
    // that fit, one after the other, each repeating the leading text columns (trend and date) so that no cell is
    // squeezed out of sight.
    internal static void WriteTable(TextWriter stdout, CsvTable rows, int? consoleWidth = null)
    {
        var console = Terminal.Console(stdout);
        if (consoleWidth is { } pinned)
        {
            console.Profile.Width = pinned;
        }

        var options = RenderOptions.Create(console);
        var columns = rows.Header.Count;
        var numeric = new bool[columns];
        var widths = new int[columns];
        for (var column = 0; column < columns; column++)
        {
            numeric[column] = rows.RowCount > 0 && Enumerable.Range(0, rows.RowCount).All(row => rows[row, column] is var cell && (cell.IsNull || cell.IsNumber));
            widths[column] = Enumerable.Range(0, rows.RowCount).Select(row => Width(rows[row, column].ToString()))
                .Append(Width(rows.Header[column])).Max() + CellOverhead;
        }

        var keys = Array.IndexOf(numeric, true) is var firstNumber and >= 0 ? firstNumber : 0;
        var keyWidth = TableOverhead + widths.Take(keys).Sum();
        var next = keys;
        var first = true;
        do
        {
            // As many of the remaining columns as fit beside the keys, at least one.
            var slice = new List<int>(Enumerable.Range(0, keys));
            var width = keyWidth;
            while (next < columns && (slice.Count == keys || width + widths[next] <= console.Profile.Width))
            {
                width += widths[next];
                slice.Add(next++);
            }

            if (!first)
            {
                console.WriteLine();
            }

            console.Write(Table(rows, slice, numeric));
            first = false;
        }
        while (next < columns);

        int Width(string text) => ((IRenderable)new Text(text)).Measure(options, int.MaxValue).Max;
    }

    // A column's padding (one space each side) and the border on its right; the table's left border.
    private const int CellOverhead = 3;
    private const int TableOverhead = 1;

    private static Table Table(CsvTable rows, List<int> columns, bool[] numeric)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(rows.Header[column])) { Alignment = numeric[column] ? Justify.Right : Justify.Left, NoWrap = true });
        }

        for (var row = 0; row < rows.RowCount; row++)
        {
            table.AddRow(columns.Select(column => (IRenderable)new Text(rows[row, column].ToString())));
        }

        return table;
    }
}
