namespace EngagementMetrics.Json;

/// <summary>Rocket.Chat <c>chat-busier/hourly-data</c>: <c>{"hours":[{"users":n,"hour":22},..],"success":true}</c>.</summary>
public sealed class RocketChatHourlyResponse
{
    /// <summary>Twelve buckets, hour 22 first.</summary>
    public required IReadOnlyList<RocketChatHourPoint> Hours { get; init; }

    /// <summary>Always true on a response with data.</summary>
    public bool Success { get; init; } = true;
}
