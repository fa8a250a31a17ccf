using System.Globalization;

namespace EngagementMetrics.Time;

/// <summary>The labels of local periods, as the lifecycle and retention documents print them.</summary>
internal static class PeriodLabel
{
    /// <summary>A local hour: <c>2025-12-01T14:00</c>.</summary>
    public static string Hour(DateTime localStart) => localStart.ToString("yyyy-MM-dd'T'HH':00'", CultureInfo.InvariantCulture);

    /// <summary>A local date: <c>2025-12-01</c>.</summary>
    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The ISO week holding a date, by its ISO week-year: <c>2025-W49</c>; 2024-12-30 is in <c>2025-W01</c>.</summary>
    public static string Week(DateOnly date)
    {
        var day = date.ToDateTime(TimeOnly.MinValue);
        return string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(day):D4}-W{ISOWeek.GetWeekOfYear(day):D2}");
    }

    /// <summary>A local calendar month: <c>2025-12</c>.</summary>
    public static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
