namespace EngagementMetrics.Json;

/// <summary>One two-hour bucket.</summary>
public sealed class RocketChatHourPoint
{
    /// <summary>Distinct active users.</summary>
    public required int Users { get; init; }

    /// <summary>The bucket's first local hour (0, 2, ..., 22).</summary>
    public required int Hour { get; init; }
}
