using System.Globalization;
using System.Text;

namespace EngagementMetrics.Events;

/// <summary>
/// Strict RFC 3339 instants: <c>2025-12-03T11:40:00Z</c>, <c>2025-12-03T17:10:00.123+05:30</c>.
/// A date-time without <c>Z</c> or an explicit offset is not an instant and is refused.
/// </summary>
public static class Rfc3339
{
    private const int MaxTextLength = 64;

    /// <summary>Parses an RFC 3339 date-time with a time-zone designator.</summary>
    /// <param name="text">The text. Any number of fraction digits is accepted; digits past the 100 ns tick are truncated.</param>
    /// <param name="value">The instant, with the offset as written.</param>
    /// <returns>False when the text is not an RFC 3339 instant.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value) => TryParse(text, out value, out _);

    /// <summary>Parses an RFC 3339 date-time with a time-zone designator and says what is wrong when it is not one.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The instant, with the offset as written.</param>
    /// <param name="problem">
    /// When the text is refused, what is wrong with it, in words a user can act on (<c>2025-02-30 is not a calendar
    /// date</c>, <c>leap seconds are not supported</c>); otherwise <see langword="null"/>.
    /// </param>
    /// <returns>False when the text is not an RFC 3339 instant.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        Span<byte> ascii = stackalloc byte[MaxTextLength];
        var length = Math.Min(text.Length, MaxTextLength);
        for (var i = 0; i < length; i++)
        {
            // Anything outside ASCII cannot be part of an RFC 3339 date-time; map it to a byte no rule accepts.
            ascii[i] = text[i] < 0x80 ? (byte)text[i] : (byte)0xFF;
        }

        return TryParseUtf8(text.Length > MaxTextLength ? [] : ascii[..length], out value, out problem);
    }

    /// <summary>Parses UTF-8 text as <see cref="TryParse(ReadOnlySpan{char}, out DateTimeOffset, out string?)"/> does.</summary>
    public static bool TryParseUtf8(ReadOnlySpan<byte> text, out DateTimeOffset value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        value = default;
        problem = Parse(text, out value);
        return problem is null;
    }

    /// <summary>Formats an instant as RFC 3339 in UTC with milliseconds (<c>2023-05-19T00:00:00.000Z</c>).</summary>
    public static string FormatUtc(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? Parse(ReadOnlySpan<byte> text, out DateTimeOffset value)
    {
        value = default;
        const string Shape = "is not an RFC 3339 date-time (expected e.g. 2025-12-03T11:40:00Z)";

        // yyyy-MM-ddTHH:mm:ss, then an optional fraction, then Z or +hh:mm.
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || (text[10] is not (byte)'T' and not (byte)'t' and not (byte)' ')
            || text[13] != ':' || text[16] != ':'
            || !Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
        {
            return Shape;
        }

        var pos = 19;
        long fractionTicks = 0;
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var start = pos;
            var scale = TimeSpan.TicksPerSecond;
            while (pos < text.Length && char.IsAsciiDigit((char)text[pos]))
            {
                scale /= 10;
                fractionTicks += (text[pos] - '0') * scale;
                pos++;
            }

            if (pos == start)
            {
                return "has a '.' without fraction digits after the seconds";
            }
        }

        if (pos >= text.Length)
        {
            return "is not an RFC 3339 instant with Z or an offset (e.g. 2025-12-03T11:40:00Z)";
        }

        TimeSpan offset;
        var designator = text[pos];
        if (designator is (byte)'Z' or (byte)'z')
        {
            offset = TimeSpan.Zero;
            pos++;
        }
        else if (designator is (byte)'+' or (byte)'-')
        {
            if (text.Length - pos != 6 || text[pos + 3] != ':' || !Digits(text, pos + 1, 2, out var offsetHours) || !Digits(text, pos + 4, 2, out var offsetMinutes))
            {
                return "has a malformed offset (expected Z, +hh:mm or -hh:mm)";
            }

            if (offsetMinutes > 59 || offsetHours > 14 || (offsetHours == 14 && offsetMinutes > 0))
            {
                return $"has offset {Encoding.ASCII.GetString(text.Slice(pos, 6))}, outside -14:00 to +14:00";
            }

            offset = new TimeSpan(offsetHours, offsetMinutes, 0);
            if (designator == '-')
            {
                offset = -offset;
            }

            pos += 6;
        }
        else
        {
            return Shape;
        }

        if (pos != text.Length)
        {
            return Shape;
        }

        if (year == 0)
        {
            return "has year 0000, which does not exist";
        }

        if (month is < 1 or > 12)
        {
            return $"has month {month:00}, which does not exist";
        }

        if (day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return $"{year:0000}-{month:00}-{day:00} is not a calendar date";
        }

        if (hour == 24)
        {
            return "has hour 24; write 00:00 of the next day";
        }

        if (hour > 23)
        {
            return $"has hour {hour}, which does not exist";
        }

        if (minute > 59)
        {
            return $"has minute {minute}, which does not exist";
        }

        if (second == 60)
        {
            return "is a leap second (:60); leap seconds are not supported";
        }

        if (second > 60)
        {
            return $"has second {second}, which does not exist";
        }

        var localTicks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        var utcTicks = localTicks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return "is outside the supported range (0001-01-01 to 9999-12-31 in UTC)";
        }

        value = new DateTimeOffset(localTicks, offset);
        return null;
    }

    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
