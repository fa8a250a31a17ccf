namespace EngagementMetrics.Trends;

/// <summary>An engagement-trend question: which bot, which local dates, in which zone, bucketed how, filtered how.</summary>
public sealed record TrendQuery
{
    /// <summary>The bot.</summary>
    public required string BotId { get; init; }

    /// <summary>First local calendar date of the period (inclusive).</summary>
    public required DateOnly StartDate { get; init; }

    /// <summary>Last local calendar date of the period (inclusive).</summary>
    public required DateOnly EndDate { get; init; }

    /// <summary>The zone whose wall clock places events in buckets. Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Bucket size. Default <see cref="TrendAggregation.Hourly"/> (as the Kore.ai APIs).</summary>
    public TrendAggregation Aggregation { get; init; } = TrendAggregation.Hourly;

    /// <summary>Channels to count (case-insensitive); <see langword="null"/> or empty means every channel.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Conversation-type filter. Default <see cref="ConversationTypeFilter.All"/>.</summary>
    public ConversationTypeFilter ConversationType { get; init; } = ConversationTypeFilter.All;

    /// <summary>Conversation-status filter. Default <see cref="ConversationStatusFilter.All"/>.</summary>
    public ConversationStatusFilter ConversationStatus { get; init; } = ConversationStatusFilter.All;

    /// <summary>Number of calendar days in the period, both ends included.</summary>
    public int Days => EndDate.DayNumber - StartDate.DayNumber + 1;
}
