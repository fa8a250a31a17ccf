namespace EngagementMetrics.Json;

/// <summary>
/// Rocket.Chat's 401 body, as its current server writes it:
/// <c>{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}</c>.
/// </summary>
public sealed class RocketChatUnauthorizedError
{
    /// <summary>Always false.</summary>
    public bool Success { get; init; }

    /// <summary>The message (current servers).</summary>
    public required string Error { get; init; }

    /// <summary>Always <c>error</c> (older servers, which wrote only this and <see cref="Message"/>).</summary>
    public string Status { get; init; } = "error";

    /// <summary>The message again (older servers).</summary>
    public required string Message { get; init; }
}
