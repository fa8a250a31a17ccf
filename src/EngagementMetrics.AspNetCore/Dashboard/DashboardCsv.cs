using EngagementMetrics.Json;

namespace EngagementMetrics.AspNetCore.Dashboard;

/// <summary>
/// Each chart's data as CSV, exactly what the chart draws, in the documented APIs' CSV shapes (the same tables the API
/// routes answer with <c>Accept: text/csv</c>).
/// </summary>
internal static class DashboardCsv
{
    public static readonly IReadOnlyList<string> Charts = ["trend", "lifecycle", "retention", "busier-hourly", "busier-weekly", "statistics"];

    public static CsvTable Of(string chart, DashboardData data) => chart switch
    {
        "trend" => EngagementCsv.KoreV2(data.Trend),
        "lifecycle" => EngagementCsv.Lifecycle(data.Lifecycle),
        "retention" => EngagementCsv.Retention(data.Retention),
        "busier-hourly" => EngagementCsv.ChatBusierHourly(data.BusierHourly),
        "busier-weekly" => EngagementCsv.ChatBusierWeekly(data.BusierWeekly),
        "statistics" => EngagementCsv.Statistics(data.Statistics, StatisticsFormat.Series),
        _ => throw new ArgumentOutOfRangeException(nameof(chart), chart, "unknown chart"),
    };
}
