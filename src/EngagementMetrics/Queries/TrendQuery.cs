namespace EngagementMetrics.Queries;

/// <summary>How a trend's buckets are sized. Every bucket is in the query's local time.</summary>
public enum TrendAggregation
{
    /// <summary>One bucket per local hour of each day (24 per day; a skipped hour is an empty bucket, a repeated hour is one bucket).</summary>
    Hourly = 0,

    /// <summary>One bucket per local calendar date.</summary>
    Daily = 1,

    /// <summary>One bucket per ISO week (Monday first), clipped to the period.</summary>
    Weekly = 2,

    /// <summary>One bucket per local calendar month, clipped to the period.</summary>
    Monthly = 3,

    /// <summary>One bucket per local calendar year, clipped to the period.</summary>
    Yearly = 4,
}

/// <summary>Which conversations' events count.</summary>
public enum ConversationTypeFilter
{
    /// <summary>Every event, with or without a conversation.</summary>
    All = 0,

    /// <summary>Events of conversations with at least one <c>message_in</c> or <c>action_in</c>.</summary>
    Interactive = 1,

    /// <summary>Events of conversations without any user input (bot-initiated, never answered).</summary>
    NonInteractive = 2,
}

/// <summary>Which conversations' events count, by status at query time.</summary>
public enum ConversationStatusFilter
{
    /// <summary>Every event, with or without a conversation.</summary>
    All = 0,

    /// <summary>Events of conversations without a <c>conversation_closed</c> event.</summary>
    Active = 1,

    /// <summary>Events of conversations that have a <c>conversation_closed</c> event.</summary>
    Closed = 2,
}

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
