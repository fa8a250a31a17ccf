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
    /// <param name="document"><c>kore-v1</c>, <c>kore-v2</c>, <c>rocketchat-hourly</c>, <c>rocketchat-weekly</c>, <c>statistics-rows</c> or <c>statistics-series</c>.</param>
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

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => string.Empty,
        _ => value.GetRawText(),
    };

    private static List<string> Fields(JsonElement row, params string[] leading) => [.. leading, .. row.EnumerateObject().Select(p => Cell(p.Value))];

    private static List<string> Names(JsonElement row, params string[] leading) => [.. leading, .. row.EnumerateObject().Select(p => p.Name)];
}
