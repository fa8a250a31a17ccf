namespace EngagementMetrics.Json;

/// <summary>Rocket.Chat <c>chat-busier/weekly-data</c>: <c>{"month":[{"users":n,"day":19,"month":5,"year":2023},..],"success":true}</c>.</summary>
public sealed class RocketChatWeeklyResponse
{
    /// <summary>The dates with users, newest first (the property is called <c>month</c> in Rocket.Chat's API).</summary>
    public required IReadOnlyList<RocketChatDayPoint> Month { get; init; }

    /// <summary>Always true on a response with data.</summary>
    public bool Success { get; init; } = true;
}
