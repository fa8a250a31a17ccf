using System.Globalization;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;

namespace EngagementMetrics.Json;

/// <summary>
/// Parses the parameters of the lifecycle and retention questions that the trend has not (<c>aggregation</c> hour, day,
/// week or month; <c>interval</c> day or week; <c>periods</c>), and names their values on the wire. Every failure is an
/// <see cref="EngagementValidationException"/> whose one-line message names the parameter and the value.
/// </summary>
/// <remarks>
/// The dates, zone and filters are the trend's (<see cref="TrendParameters"/>); <see cref="LifecycleQueryBinder"/> reads
/// them all. Values match case-insensitively and ignore surrounding spaces. Thread-safe.
/// </remarks>
public static class LifecycleParameters
{
    /// <summary>Parses a lifecycle aggregation: <c>hour</c>, <c>day</c>, <c>week</c> or <c>month</c>; absent means <c>day</c>.</summary>
    /// <param name="value">The value, or <see langword="null"/> when absent.</param>
    /// <param name="parameterName">The parameter's name as the caller spells it.</param>
    /// <exception cref="EngagementValidationException">Any other value.</exception>
    public static LifecycleAggregation ParseAggregation(string? value, string parameterName = "aggregation") => Word(value) switch
    {
        "" or "day" => LifecycleAggregation.Day,
        "hour" => LifecycleAggregation.Hour,
        "week" => LifecycleAggregation.Week,
        "month" => LifecycleAggregation.Month,
        _ => throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected hour, day, week or month"),
    };

    /// <summary>Parses a retention interval: <c>day</c> or <c>week</c>; absent means <c>day</c>.</summary>
    /// <param name="value">The value, or <see langword="null"/> when absent.</param>
    /// <param name="parameterName">The parameter's name as the caller spells it.</param>
    /// <exception cref="EngagementValidationException">Any other value.</exception>
    public static RetentionInterval ParseInterval(string? value, string parameterName = "interval") => Word(value) switch
    {
        "" or "day" => RetentionInterval.Day,
        "week" => RetentionInterval.Week,
        _ => throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected day or week"),
    };

    /// <summary>
    /// Parses how many intervals a retention cohort follows: a whole number from 1 to
    /// <see cref="RetentionQuery.MaxPeriods"/>; absent means 8.
    /// </summary>
    /// <param name="value">The value, or <see langword="null"/> when absent.</param>
    /// <param name="parameterName">The parameter's name as the caller spells it.</param>
    /// <exception cref="EngagementValidationException">Not a whole number in range.</exception>
    public static int ParsePeriods(string? value, string parameterName = "periods")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return 8;
        }

        return int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var periods) && periods is >= 1 and <= RetentionQuery.MaxPeriods
            ? periods
            : throw new EngagementValidationException(parameterName, value, $"invalid {parameterName} '{value}': expected a whole number from 1 to {RetentionQuery.MaxPeriods}");
    }

    /// <summary>The lower-case name of an aggregation in the lifecycle document (<c>hour</c>).</summary>
    public static string ToWireName(this LifecycleAggregation value) => value switch
    {
        LifecycleAggregation.Hour => "hour",
        LifecycleAggregation.Week => "week",
        LifecycleAggregation.Month => "month",
        _ => "day",
    };

    /// <summary>The lower-case name of an interval in the retention document (<c>week</c>).</summary>
    public static string ToWireName(this RetentionInterval value) => value == RetentionInterval.Week ? "week" : "day";

    private static string Word(string? value) => value is null ? string.Empty : value.Trim().ToLowerInvariant();
}
