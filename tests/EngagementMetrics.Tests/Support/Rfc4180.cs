using System.Text;

namespace EngagementMetrics.Tests.Support;

/// <summary>
/// A deliberately simple and strict RFC 4180 reader, to read back what <c>Utf8CsvWriter</c> writes: every record ends
/// with CRLF (the last one too); a field is either plain (no comma, double quote, CR or LF) or quoted, with its double
/// quotes doubled; anything else throws.
/// </summary>
internal static class Rfc4180
{
    public static List<List<string>> Parse(ReadOnlySpan<byte> utf8)
    {
        utf8.StartsWith("\xEF\xBB\xBF"u8).Should().BeFalse("CSV is written without a byte order mark");
        return Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8));
    }

    public static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("a quoted field is not closed");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"')
                    {
                        throw new FormatException($"a double quote inside a plain field at {i}");
                    }

                    field.Append(text[i++]);
                }
            }

            record.Add(field.ToString());
            field.Clear();
            if (i >= text.Length)
            {
                throw new FormatException("the last record does not end with CRLF");
            }

            if (text[i] == ',')
            {
                i++;
                continue;
            }

            if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i += 2;
                records.Add(record);
                record = [];
                continue;
            }

            throw new FormatException($"'{text[i]}' at {i} after a field: expected a comma or CRLF");
        }

        if (record.Count > 0)
        {
            throw new FormatException("the text ends after a comma");
        }

        return records;
    }
}
