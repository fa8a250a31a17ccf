using System.Globalization;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Json;

/// <summary>
/// Parses the trend parameters of the Kore.ai APIs (dates, aggregation, filters, channels, zone) with their documented
/// leniency: values match case-insensitively, and <c>Non Interactive</c>, <c>NonInteractive</c>, <c>non_interactive</c>
/// and <c>non-interactive</c> mean the same. Every failure is an <see cref="EngagementValidationException"/> that names
/// the parameter (as the caller spells it) and the value.
/// </summary>
/// <remarks>
/// The protocol layer: the HTTP routes and the CLI bind a <see cref="TrendQuery"/> through
/// <see cref="TrendQueryBinder"/>, which calls these, so both accept and refuse exactly the same input. Thread-safe.
/// </remarks>
public static class TrendParameters
{
    /// <summary>Parses a <c>YYYY-MM-DD</c> calendar date.</summary>
    /// <exception cref="EngagementValidationException">Missing or not a valid date.</exception>
    public static DateOnly ParseDate(string? value, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new EngagementValidationException(parameterName, value, $"{parameterName} is required (YYYY-MM-DD)");
        }

        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected a calendar date YYYY-MM-DD");
        }

        return date;
    }

    /// <summary>Parses an aggregation; <see langword="null"/> or empty gives <paramref name="defaultValue"/>.</summary>
    /// <param name="value">The value (any letter case).</param>
    /// <param name="parameterName">The parameter's name as the caller spells it.</param>
    /// <param name="allowed">The aggregations this API offers (the Kore.ai APIs: hourly and daily).</param>
    /// <param name="defaultValue">Used when the value is absent.</param>
    /// <exception cref="EngagementValidationException">Not one of <paramref name="allowed"/>.</exception>
    public static TrendAggregation ParseAggregation(string? value, string parameterName, IReadOnlyCollection<TrendAggregation> allowed, TrendAggregation defaultValue = TrendAggregation.Hourly)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(Normalize(value), candidate.ToString().ToLowerInvariant(), StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        var expected = string.Join(" or ", allowed.Select(a => a.ToString().ToLowerInvariant()));
        throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected {expected}");
    }

    /// <summary>Parses a conversation-type filter; absent means <see cref="ConversationTypeFilter.All"/>.</summary>
    /// <exception cref="EngagementValidationException">Not all, interactive or non interactive.</exception>
    public static ConversationTypeFilter ParseConversationType(string? value, string parameterName) =>
        Normalize(value) switch
        {
            "" or "all" => ConversationTypeFilter.All,
            "interactive" => ConversationTypeFilter.Interactive,
            "noninteractive" => ConversationTypeFilter.NonInteractive,
            _ => throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected All, Interactive or Non Interactive"),
        };

    /// <summary>Parses a conversation-status filter; absent means <see cref="ConversationStatusFilter.All"/>.</summary>
    /// <exception cref="EngagementValidationException">Not all, active or closed.</exception>
    public static ConversationStatusFilter ParseConversationStatus(string? value, string parameterName) =>
        Normalize(value) switch
        {
            "" or "all" => ConversationStatusFilter.All,
            "active" => ConversationStatusFilter.Active,
            "closed" => ConversationStatusFilter.Closed,
            _ => throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected All, Active or Closed"),
        };

    /// <summary>
    /// Parses a comma-separated channel list. Empty, absent or <c>All</c> (any case) means every channel and gives
    /// <see langword="null"/>. Names are trimmed and lower-cased.
    /// </summary>
    /// <exception cref="EngagementValidationException">The list contains an empty name (<c>rtm,,slack</c>).</exception>
    public static IReadOnlyList<string>? ParseChannels(string? value, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Any(p => p.Length == 0))
        {
            throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': a channel name is empty");
        }

        if (parts.Any(p => p.Equals("all", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return parts.Select(p => p.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Parses a time-zone parameter (see <see cref="TimeZoneParser"/>); absent means UTC.</summary>
    /// <exception cref="EngagementValidationException">A bare number or an unknown zone.</exception>
    public static TimeZoneInfo ParseTimeZone(string? value, string parameterName) => TimeZoneParser.Parse(value, parameterName);

    /// <summary>The lower-case name a filter value echoes as in the Kore.ai v2 document (<c>non interactive</c>).</summary>
    public static string ToWireName(this ConversationTypeFilter value) => value switch
    {
        ConversationTypeFilter.Interactive => "interactive",
        ConversationTypeFilter.NonInteractive => "non interactive",
        _ => "all",
    };

    /// <summary>The lower-case name a filter value echoes as in the Kore.ai v2 document (<c>closed</c>).</summary>
    public static string ToWireName(this ConversationStatusFilter value) => value switch
    {
        ConversationStatusFilter.Active => "active",
        ConversationStatusFilter.Closed => "closed",
        _ => "all",
    };

    /// <summary>The lower-case name of an aggregation (<c>hourly</c>).</summary>
    public static string ToWireName(this TrendAggregation value) => value.ToString().ToLowerInvariant();

    // "Non Interactive", "NonInteractive", "non_interactive", "non-interactive" -> "noninteractive".
    private static string Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return string.Empty;
        }

        var chars = value.Where(c => c is not (' ' or '_' or '-' or '\t')).Select(char.ToLowerInvariant).ToArray();
        return new string(chars);
    }
}
