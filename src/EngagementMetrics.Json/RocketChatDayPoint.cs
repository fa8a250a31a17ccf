namespace EngagementMetrics.Json;

/// <summary>One local date.</summary>
public sealed class RocketChatDayPoint
{
    /// <summary>Distinct active users that date.</summary>
    public required int Users { get; init; }

    /// <summary>Day of month.</summary>
    public required int Day { get; init; }

    /// <summary>Month, 1 to 12.</summary>
    public required int Month { get; init; }

    /// <summary>Year.</summary>
    public required int Year { get; init; }
}
