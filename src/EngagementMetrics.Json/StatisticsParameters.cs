using System.Globalization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>
/// The statistics routes' path parameters (<c>TYPES</c>, <c>GROUPMODE</c>, <c>DAYS</c>), parsed with errors that name the
/// parameter and value, and their wire names. The protocol layer of the statistics API, shared by the HTTP routes and
/// the CLI.
/// </summary>
public static class StatisticsParameters
{
    /// <summary>Wire name of a group mode: hour, day, month, year.</summary>
    public static string ToWireName(this StatisticsGroupMode mode) => mode switch
    {
        StatisticsGroupMode.Hour => "hour",
        StatisticsGroupMode.Day => "day",
        StatisticsGroupMode.Month => "month",
        _ => "year",
    };

    /// <summary>Parses <c>TYPES</c>: comma-separated codes, at least one, duplicates ignored (first occurrence kept).</summary>
    /// <exception cref="EngagementValidationException">Empty, not a number, unknown, or 18 on the account endpoint.</exception>
    public static IReadOnlyList<StatisticType> ParseTypes(string? value, StatisticsScope scope, string parameterName = "types")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new EngagementValidationException(parameterName, value, $"{parameterName} is required: comma-separated statistic type codes such as 0,2,9");
        }

        var types = new List<StatisticType>();
        foreach (var part in value.Split(','))
        {
            var text = part.Trim();
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code > 18)
            {
                throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': '{text}' is not a statistic type (0 to 18)");
            }

            if (code == (int)StatisticType.TagHit && scope == StatisticsScope.Account)
            {
                throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': type 18 (Tag Hit) is only available on the bot endpoint");
            }

            if (!types.Contains((StatisticType)code))
            {
                types.Add((StatisticType)code);
            }
        }

        return types;
    }

    /// <summary>Parses <c>GROUPMODE</c>: hour, day, month or year (any letter case).</summary>
    public static StatisticsGroupMode ParseGroupMode(string? value, string parameterName = "groupMode") => value?.Trim().ToLowerInvariant() switch
    {
        "hour" => StatisticsGroupMode.Hour,
        "day" => StatisticsGroupMode.Day,
        "month" => StatisticsGroupMode.Month,
        "year" => StatisticsGroupMode.Year,
        _ => throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected hour, day, month or year"),
    };

    /// <summary>Parses <c>format</c>: rows or series (any letter case).</summary>
    /// <exception cref="EngagementValidationException">Anything else, the empty string included.</exception>
    public static StatisticsFormat ParseFormat(string? value, string parameterName = "format") => value?.Trim().ToLowerInvariant() switch
    {
        "rows" => StatisticsFormat.Rows,
        "series" => StatisticsFormat.Series,
        _ => throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected rows or series"),
    };

    /// <summary>The breakdown a format needs: rows need <see cref="StatisticsBreakdown.BotAndChannel"/>.</summary>
    public static StatisticsBreakdown ToBreakdown(this StatisticsFormat format) =>
        format == StatisticsFormat.Rows ? StatisticsBreakdown.BotAndChannel : StatisticsBreakdown.None;

    /// <summary>Parses <c>DAYS</c>: an integer from 1 to 30.</summary>
    public static int ParseDays(string? value, string parameterName = "days") =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 30
            ? days
            : throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected a whole number of days from 1 to 30");
}
