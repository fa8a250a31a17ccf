using System.Buffers;

namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/schemas.md, "CSV".</summary>
internal static class CsvDoc
{
    public static async Task<string> CsvAsync(EngagementTrend trend, Stream stream)
    {
        #region csv
        CsvTable rows = EngagementCsv.KoreV2(trend);        // the rows of the v2 document: its three series' points
        string csv = rows.ToCsv();                          // "trend,date,users\r\nuniqueUsersTrend,Dec 01 2025,0\r\n..."
        await rows.WriteToAsync(stream);                    // or rows.WriteTo(bufferWriter): UTF-8 bytes, no string
        #endregion
        return csv;
    }

    #region csv-columns
    // A document of your own (or a new one of the package) describes its row type once...
    public sealed record Cohort(string Label, int Users, int[] Retained);

    private static readonly CsvColumns<Cohort> CohortColumns = new CsvColumns<Cohort>()
        .Add("cohort", static c => c.Label)
        .Add("users", static c => c.Users)
        .AddArray("retained", static c => c.Retained.Length, static (c, i) => c.Retained[i]);

    // ...and its table is the columns bound to the rows: cohort,users,retained[0],retained[1],...
    public static CsvTable Table(IReadOnlyList<Cohort> cohorts) => CohortColumns.ToTable(cohorts);
    #endregion

    public static void Writer(IBufferWriter<byte> output)
    {
        #region csv-writer
        var writer = new Utf8CsvWriter(output);   // RFC 4180 into any IBufferWriter<byte> (a PipeWriter, an ArrayBufferWriter)
        writer.WriteString("say \"hi\", world");  // "say ""hi"", world"
        writer.WriteNumber(2.68m);                // 2.68, whatever the current culture
        writer.WriteNull();                       // an empty cell
        writer.EndRow();                          // CRLF
        #endregion
    }
}
