namespace EngagementMetrics.Json;

/// <summary>Rocket.Chat's error body: <c>{"success":false,"error":"..."}</c>.</summary>
public sealed class RocketChatError
{
    /// <summary>Always false.</summary>
    public bool Success { get; init; }

    /// <summary>The message, e.g. <c>Match error: Missing key 'start'</c>.</summary>
    public required string Error { get; init; }
}
