namespace EngagementMetrics.Json;

/// <summary>Rocket.Chat <c>chat-busier/hourly-data</c>: <c>{"hours":[{"users":n,"hour":22},..],"success":true}</c>.</summary>
public sealed class RocketChatHourlyResponse
{
    /// <summary>Twelve buckets, hour 22 first.</summary>
    public required IReadOnlyList<RocketChatHourPoint> Hours { get; init; }

    /// <summary>Always true on a response with data.</summary>
    public bool Success { get; init; } = true;
}

/// <summary>One two-hour bucket.</summary>
public sealed class RocketChatHourPoint
{
    /// <summary>Distinct active users.</summary>
    public required int Users { get; init; }

    /// <summary>The bucket's first local hour (0, 2, ..., 22).</summary>
    public required int Hour { get; init; }
}

/// <summary>Rocket.Chat <c>chat-busier/weekly-data</c>: <c>{"month":[{"users":n,"day":19,"month":5,"year":2023},..],"success":true}</c>.</summary>
public sealed class RocketChatWeeklyResponse
{
    /// <summary>The dates with users, newest first (the property is called <c>month</c> in Rocket.Chat's API).</summary>
    public required IReadOnlyList<RocketChatDayPoint> Month { get; init; }

    /// <summary>Always true on a response with data.</summary>
    public bool Success { get; init; } = true;
}

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

/// <summary>Rocket.Chat's error body: <c>{"success":false,"error":"..."}</c>.</summary>
public sealed class RocketChatError
{
    /// <summary>Always false.</summary>
    public bool Success { get; init; }

    /// <summary>The message, e.g. <c>Match error: Missing key 'start'</c>.</summary>
    public required string Error { get; init; }
}

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
