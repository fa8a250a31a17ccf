using System.Text.Json;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Json;

/// <summary>
/// The Rocket.Chat engagement-dashboard documents ("when is the chat busier"), exactly as documented: property order,
/// numbers as numbers, <c>success: true</c>.
/// </summary>
public static class RocketChatJson
{
    /// <summary>The hourly-data document.</summary>
    public static RocketChatHourlyResponse ToHourly(ChatBusierHourly data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new RocketChatHourlyResponse { Hours = [.. data.Hours.Select(h => new RocketChatHourPoint { Users = h.Users, Hour = h.Hour })] };
    }

    /// <summary>The weekly-data document.</summary>
    public static RocketChatWeeklyResponse ToWeekly(ChatBusierWeekly data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new RocketChatWeeklyResponse
        {
            Month = [.. data.Days.Select(d => new RocketChatDayPoint { Users = d.Users, Day = d.Date.Day, Month = d.Date.Month, Year = d.Date.Year })],
        };
    }

    /// <summary>Serializes the hourly-data document (two-space indentation and <c>\n</c> unless <paramref name="indented"/> is false).</summary>
    public static string SerializeHourly(ChatBusierHourly data, bool indented = true) =>
        JsonSerializer.Serialize(ToHourly(data), KoreTrendJson.Context(indented).RocketChatHourlyResponse);

    /// <summary>Serializes the weekly-data document.</summary>
    public static string SerializeWeekly(ChatBusierWeekly data, bool indented = true) =>
        JsonSerializer.Serialize(ToWeekly(data), KoreTrendJson.Context(indented).RocketChatWeeklyResponse);

    /// <summary>Rocket.Chat's message for a request without valid <c>X-User-Id</c> and <c>X-Auth-Token</c> headers.</summary>
    public const string LoggedOutMessage = "You must be logged in to do this.";

    /// <summary>Serializes Rocket.Chat's 401 body: <c>success</c>, <c>error</c>, <c>status</c> and <c>message</c>.</summary>
    public static string SerializeUnauthorized(bool indented = false) =>
        JsonSerializer.Serialize(new RocketChatUnauthorizedError { Error = LoggedOutMessage, Message = LoggedOutMessage }, KoreTrendJson.Context(indented).RocketChatUnauthorizedError);

    /// <summary>Serializes Rocket.Chat's error body for a message such as <see cref="RocketChatParameters.MissingStart"/>.</summary>
    public static string SerializeError(string message, bool indented = false) =>
        JsonSerializer.Serialize(new RocketChatError { Error = message }, KoreTrendJson.Context(indented).RocketChatError);
}
