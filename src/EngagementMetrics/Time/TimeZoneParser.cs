using System.Collections.Concurrent;
using System.Globalization;

namespace EngagementMetrics.Time;

/// <summary>
/// Turns the time-zone parameter of the APIs into a <see cref="TimeZoneInfo"/>: IANA names (<c>Asia/Kolkata</c>),
/// Windows names (<c>India Standard Time</c>), <c>UTC</c> / <c>Z</c>, and fixed offsets written
/// <c>+05:30</c>, <c>-08:00</c>, <c>UTC+05:30</c>, <c>GMT-03:00</c>.
/// </summary>
/// <remarks>
/// A bare number (<c>330</c>, <c>-330</c>) is refused: whether it means minutes east or west of UTC is ambiguous.
/// Named zones use the machine's tz database through .NET, DST included. Thread-safe.
/// </remarks>
public static class TimeZoneParser
{
    private static readonly ConcurrentDictionary<int, TimeZoneInfo> FixedZones = new();

    /// <summary>Resolves a zone parameter; <see langword="null"/> or empty means UTC.</summary>
    /// <param name="value">The parameter's value.</param>
    /// <param name="parameterName">The parameter's name as the caller knows it (reported in errors).</param>
    /// <exception cref="EngagementValidationException">The value is a bare number or names no known zone.</exception>
    public static TimeZoneInfo Parse(string? value, string parameterName = "timeZone")
    {
        if (TryParse(value, out var zone, out var error))
        {
            return zone;
        }

        throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': {error}");
    }

    /// <summary>Resolves a zone parameter without throwing.</summary>
    /// <returns>False with a reason when the value is not a usable zone.</returns>
    public static bool TryParse(string? value, out TimeZoneInfo zone, out string error)
    {
        zone = TimeZoneInfo.Utc;
        error = string.Empty;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Equals("UTC", StringComparison.OrdinalIgnoreCase)
            || text.Equals("Z", StringComparison.OrdinalIgnoreCase) || text.Equals("GMT", StringComparison.OrdinalIgnoreCase)
            || text.Equals("Etc/UTC", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (IsBareNumber(text))
        {
            error = "a bare number is ambiguous; write an offset such as +05:30 or a zone name such as Asia/Kolkata";
            return false;
        }

        var offsetText = text.AsSpan();
        if (offsetText.StartsWith("UTC", StringComparison.OrdinalIgnoreCase) || offsetText.StartsWith("GMT", StringComparison.OrdinalIgnoreCase))
        {
            offsetText = offsetText[3..];
        }

        if (offsetText.Length > 0 && offsetText[0] is '+' or '-')
        {
            if (TryParseOffset(offsetText, out var minutes))
            {
                zone = FixedZones.GetOrAdd(minutes, CreateFixedZone);
                return true;
            }

            error = "an offset must be written ±HH:MM between -14:00 and +14:00";
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(text);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            error = "not a known time zone (use an IANA name such as America/New_York, a Windows name, UTC, or an offset such as +05:30)";
            return false;
        }
    }

    private static bool IsBareNumber(string text)
    {
        var span = text.AsSpan();
        if (span[0] is '+' or '-')
        {
            span = span[1..];
        }

        return span.Length > 0 && !span.ContainsAnyExceptInRange('0', '9');
    }

    private static bool TryParseOffset(ReadOnlySpan<char> text, out int minutes)
    {
        minutes = 0;
        var body = text[1..];
        if (body.Length != 5 || body[2] != ':'
            || !int.TryParse(body[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(body[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var mins)
            || mins > 59 || (hours * 60) + mins > 14 * 60)
        {
            return false;
        }

        minutes = (text[0] == '-' ? -1 : 1) * ((hours * 60) + mins);
        return true;
    }

    private static TimeZoneInfo CreateFixedZone(int minutes)
    {
        var offset = TimeSpan.FromMinutes(minutes);
        var name = minutes == 0 ? "UTC" : "UTC" + (minutes < 0 ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
    }
}
