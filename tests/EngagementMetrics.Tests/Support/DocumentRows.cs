using System.Text.Json;

namespace EngagementMetrics.Tests.Support;

/// <summary>
/// The rows of a JSON document as docs/schemas.md ("CSV") defines them, read from the JSON text itself: the header (the
/// row's field names, after the leading columns a document adds) and then one row of cell texts per entry, a string's
/// text, a number's own digits, empty for null. What a CSV table must equal.
/// </summary>
internal static class DocumentRows
{
    private static readonly string[] TrendSeries = ["uniqueUsersTrend", "newUsersTrend", "returningUsersTrend"];

    /// <summary>The header and rows of <paramref name="json"/>, a document of the kind <paramref name="document"/>.</summary>
    /// <param name="json">The document.</param>
    /// <param name="document"><c>kore-v1</c>, <c>kore-v2</c>, <c>rocketchat-hourly</c>, <c>rocketchat-weekly</c>, <c>statistics-rows</c>, <c>statistics-series</c>, <c>lifecycle</c> or <c>retention</c>.</param>
    public static List<List<string>> Read(string json, string document)
    {
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        var rows = new List<List<string>>();
        switch (document)
        {
            case "kore-v1":
                AddArray(rows, root.GetProperty("results"));
                break;
            case "kore-v2":
                rows.Add(Names(root.GetProperty("uniqueUsersTrend").GetProperty("dataPoints")[0], "trend"));
                foreach (var series in TrendSeries)
                {
                    rows.AddRange(root.GetProperty(series).GetProperty("dataPoints").EnumerateArray().Select(p => Fields(p, series)));
                }

                break;
            case "rocketchat-hourly":
                AddArray(rows, root.GetProperty("hours"));
                break;
            case "rocketchat-weekly":
                AddArray(rows, root.GetProperty("month"));
                break;
            case "statistics-rows":
                AddArray(rows, root);
                break;
            case "statistics-series":
                rows.Add(Names(root.GetProperty("series")[0].GetProperty("points")[0], "type", "name"));
                foreach (var series in root.GetProperty("series").EnumerateArray())
                {
                    rows.AddRange(series.GetProperty("points").EnumerateArray().Select(p => Fields(p, Cell(series.GetProperty("type")), Cell(series.GetProperty("name")))));
                }

                break;
            case "lifecycle":
                AddArray(rows, root.GetProperty("buckets"));
                break;
            case "retention":
                AddFlattened(rows, root.GetProperty("cohorts"));
                break;
            default:
                throw new ArgumentException($"unknown document '{document}'", nameof(document));
        }

        return rows;
    }

    private static void AddArray(List<List<string>> rows, JsonElement array)
    {
        rows.Add(Names(array[0]));
        rows.AddRange(array.EnumerateArray().Select(p => Fields(p)));
    }

    // Rows whose array fields become one column per index (name[0], name[1], ...), as many as the longest array of the
    // field among the rows, the cells past a shorter array's end empty.
    private static void AddFlattened(List<List<string>> rows, JsonElement array)
    {
        var first = array[0];
        var widths = first.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Max(r => r.GetProperty(p.Name).GetArrayLength()) : -1);
        rows.Add([.. first.EnumerateObject().SelectMany(p => widths[p.Name] < 0 ? [p.Name] : Enumerable.Range(0, widths[p.Name]).Select(i => $"{p.Name}[{i}]"))]);
        foreach (var row in array.EnumerateArray())
        {
            rows.Add([.. row.EnumerateObject().SelectMany(p => widths[p.Name] < 0
                ? [Cell(p.Value)]
                : Enumerable.Range(0, widths[p.Name]).Select(i => i < p.Value.GetArrayLength() ? Cell(p.Value[i]) : string.Empty))]);
        }
    }

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => string.Empty,
        _ => value.GetRawText(),
    };

    private static List<string> Fields(JsonElement row, params string[] leading) => [.. leading, .. row.EnumerateObject().Select(p => Cell(p.Value))];

    private static List<string> Names(JsonElement row, params string[] leading) => [.. leading, .. row.EnumerateObject().Select(p => p.Name)];
}
