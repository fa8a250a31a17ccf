namespace EngagementMetrics.Json;

/// <summary>
/// What a front door calls each trend parameter: the Kore.ai APIs' names (<see cref="Kore"/>) or another protocol's,
/// such as the CLI's options. <see cref="TrendQueryBinder"/> reads values and names errors by them.
/// </summary>
/// <param name="StartDate">The first local date.</param>
/// <param name="EndDate">The last local date (inclusive).</param>
/// <param name="Aggregation">hourly or daily.</param>
/// <param name="Channels">The comma-separated channel filter.</param>
/// <param name="TimeZone">The zone of the local dates and hours.</param>
/// <param name="ConversationType">The conversation-type filter.</param>
/// <param name="ConversationStatus">The conversation-status filter.</param>
public sealed record TrendParameterNames(
    string StartDate,
    string EndDate,
    string Aggregation,
    string Channels,
    string TimeZone,
    string ConversationType,
    string ConversationStatus)
{
    /// <summary>The Kore.ai User Engagement Trend APIs' names (v1 and v2).</summary>
    public static TrendParameterNames Kore { get; } = new("start_date", "end_date", "aggregation_type", "channels", "timeZoneOffset", "conversationType", "conversationStatus");
}
