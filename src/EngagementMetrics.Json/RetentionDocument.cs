using System.Globalization;
using EngagementMetrics.Retention;

namespace EngagementMetrics.Json;

/// <summary>
/// The retention document: <c>{"bot","timeZone","interval","start","end","cohorts":[...]}</c>, in that order.
/// </summary>
public sealed class RetentionDocument
{
    /// <summary>The bot.</summary>
    public required string Bot { get; init; }

    /// <summary>The zone's id (<c>Asia/Kolkata</c>, <c>UTC</c>).</summary>
    public required string TimeZone { get; init; }

    /// <summary><c>day</c> or <c>week</c>.</summary>
    public required string Interval { get; init; }

    /// <summary>The first local date, <c>YYYY-MM-DD</c>.</summary>
    public required string Start { get; init; }

    /// <summary>The last local date (inclusive), <c>YYYY-MM-DD</c>.</summary>
    public required string End { get; init; }

    /// <summary>Every cohort of the period, the empty ones too, oldest first.</summary>
    public required IReadOnlyList<RetentionCohortDocument> Cohorts { get; init; }

    /// <summary>The document of a report.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is <see langword="null"/>.</exception>
    public static RetentionDocument From(RetentionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var query = report.Query;
        return new RetentionDocument
        {
            Bot = query.BotId,
            TimeZone = query.TimeZone.Id,
            Interval = query.Interval.ToWireName(),
            Start = query.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            End = query.EndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Cohorts = [.. report.Cohorts.Select(c => new RetentionCohortDocument
            {
                Cohort = c.Cohort,
                Users = c.Users,
                Retained = [.. c.Retained],
                Percent = [.. c.Percent],
            })],
        };
    }
}
