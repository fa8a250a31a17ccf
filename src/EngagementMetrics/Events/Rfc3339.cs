using System.Globalization;

namespace EngagementMetrics.Events;

/// <summary>
/// Strict RFC 3339 instants: <c>2025-12-03T11:40:00Z</c>, <c>2025-12-03T17:10:00.123+05:30</c>.
/// A date-time without <c>Z</c> or an explicit offset is not an instant and is refused.
/// </summary>
public static class Rfc3339
{
    /// <summary>Parses an RFC 3339 date-time with a time-zone designator.</summary>
    /// <param name="text">The text. Any number of fraction digits is accepted; digits past the 100 ns tick are truncated.</param>
    /// <param name="value">The instant, with the offset as written.</param>
    /// <returns>False when the text is not an RFC 3339 instant.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        // yyyy-MM-ddTHH:mm:ss then optional fraction, then Z or +hh:mm
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')
            || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        var pos = 19;
        long fractionTicks = 0;
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var start = pos;
            var scale = TimeSpan.TicksPerSecond;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                scale /= 10;
                fractionTicks += (text[pos] - '0') * scale;
                pos++;
            }

            if (pos == start)
            {
                return false;
            }
        }

        if (pos >= text.Length)
        {
            return false;
        }

        TimeSpan offset;
        var designator = text[pos];
        if (designator is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
            pos++;
        }
        else if (designator is '+' or '-')
        {
            if (text.Length - pos != 6 || text[pos + 3] != ':' || !Digits(text, pos + 1, 2, out var oh) || !Digits(text, pos + 4, 2, out var om)
                || oh > 14 || om > 59)
            {
                return false;
            }

            offset = new TimeSpan(oh, om, 0);
            if (designator == '-')
            {
                offset = -offset;
            }

            pos += 6;
        }
        else
        {
            return false;
        }

        if (pos != text.Length || month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59 || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        try
        {
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
            value = new DateTimeOffset(local, offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // The instant falls outside DateTimeOffset's range (year 1 with a positive offset, say).
            return false;
        }
    }

    /// <summary>Formats an instant as RFC 3339 in UTC with milliseconds (<c>2023-05-19T00:00:00.000Z</c>).</summary>
    public static string FormatUtc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
