using System.Globalization;
using EngagementMetrics.Lifecycle;

namespace EngagementMetrics.Json;

/// <summary>
/// The lifecycle document: <c>{"bot","timeZone","aggregation","start","end","buckets":[...]}</c>, in that order.
/// </summary>
public sealed class LifecycleDocument
{
    /// <summary>The bot.</summary>
    public required string Bot { get; init; }

    /// <summary>The zone's id (<c>Asia/Kolkata</c>, <c>UTC</c>).</summary>
    public required string TimeZone { get; init; }

    /// <summary><c>hour</c>, <c>day</c>, <c>week</c> or <c>month</c>.</summary>
    public required string Aggregation { get; init; }

    /// <summary>The first local date, <c>YYYY-MM-DD</c>.</summary>
    public required string Start { get; init; }

    /// <summary>The last local date (inclusive), <c>YYYY-MM-DD</c>.</summary>
    public required string End { get; init; }

    /// <summary>Every bucket of the period, oldest first.</summary>
    public required IReadOnlyList<LifecycleBucketDocument> Buckets { get; init; }

    /// <summary>The document of a report.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is <see langword="null"/>.</exception>
    public static LifecycleDocument From(LifecycleReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var query = report.Query;
        return new LifecycleDocument
        {
            Bot = query.BotId,
            TimeZone = query.TimeZone.Id,
            Aggregation = query.Aggregation.ToWireName(),
            Start = query.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            End = query.EndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Buckets = [.. report.Buckets.Select(b => new LifecycleBucketDocument
            {
                Period = b.Period,
                New = b.New,
                Returning = b.Returning,
                Resurrecting = b.Resurrecting,
                Dormant = b.Dormant,
            })],
        };
    }
}
