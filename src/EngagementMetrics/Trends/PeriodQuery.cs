namespace EngagementMetrics.Trends;

/// <summary>
/// What every question about one bot's user activity over local dates has in common: the bot, the period, the zone
/// whose wall clock places events, and the filters. <see cref="TrendQuery"/>,
/// <see cref="Lifecycle.LifecycleQuery"/> and <see cref="Retention.RetentionQuery"/> add how the period is cut.
/// </summary>
/// <remarks>Immutable (init-only); the engines validate it when it is asked, not when it is built.</remarks>
public abstract record PeriodQuery
{
    /// <summary>The bot.</summary>
    public required string BotId { get; init; }

    /// <summary>First local calendar date of the period (inclusive).</summary>
    public required DateOnly StartDate { get; init; }

    /// <summary>Last local calendar date of the period (inclusive).</summary>
    public required DateOnly EndDate { get; init; }

    /// <summary>The zone whose wall clock places events in buckets. Default UTC.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Channels to count (case-insensitive); <see langword="null"/> or empty means every channel.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Conversation-type filter. Default <see cref="ConversationTypeFilter.All"/>.</summary>
    public ConversationTypeFilter ConversationType { get; init; } = ConversationTypeFilter.All;

    /// <summary>Conversation-status filter. Default <see cref="ConversationStatusFilter.All"/>.</summary>
    public ConversationStatusFilter ConversationStatus { get; init; } = ConversationStatusFilter.All;

    /// <summary>Number of calendar days in the period, both ends included.</summary>
    public int Days => EndDate.DayNumber - StartDate.DayNumber + 1;
}
