using EngagementMetrics.Events;

namespace EngagementMetrics.Json;

/// <summary>The <c>start</c> parameter of the Rocket.Chat engagement-dashboard routes, refused with Rocket.Chat's own texts.</summary>
public static class RocketChatParameters
{
    /// <summary>Rocket.Chat's message for a request without <c>start</c>.</summary>
    public const string MissingStart = "Match error: Missing key 'start'";

    /// <summary>Rocket.Chat's message for a <c>start</c> that is not an ISO instant.</summary>
    public const string MalformedStart = "Match error: Failed Match.Where validation in field start";

    /// <summary>
    /// Parses <c>start</c>: an RFC 3339 / ISO 8601 instant with <c>Z</c> or an offset, such as
    /// <c>2023-05-19T00:00:00.000Z</c>.
    /// </summary>
    /// <exception cref="EngagementValidationException">Missing or malformed, with Rocket.Chat's own message and parameter <c>start</c>.</exception>
    public static DateTimeOffset ParseStart(string? value)
    {
        if (value is null || value.Length == 0)
        {
            throw new EngagementValidationException("start", value, MissingStart);
        }

        return Rfc3339.TryParse(value, out var start) ? start : throw new EngagementValidationException("start", value, MalformedStart);
    }
}
