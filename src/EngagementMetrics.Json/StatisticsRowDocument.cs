using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>
/// One row of the statistics row array (the routes' default answer, as Xenioo's page shows it): fields in this order,
/// named in PascalCase as on that page.
/// </summary>
public sealed class StatisticsRowDocument
{
    /// <summary>The bucket label: <c>2025-12-01T14:00</c>, <c>2025-12-01</c>, <c>2025-12</c> or <c>2025</c>.</summary>
    [JsonPropertyName("GroupLabel")]
    public required string GroupLabel { get; init; }

    /// <summary>The bot's id.</summary>
    [JsonPropertyName("BotName")]
    public required string BotName { get; init; }

    /// <summary>The channel, in lower case.</summary>
    [JsonPropertyName("ChannelName")]
    public required string ChannelName { get; init; }

    /// <summary>The type's name, e.g. <c>New User</c>.</summary>
    [JsonPropertyName("EventLabel")]
    public required string EventLabel { get; init; }

    /// <summary>The type code, 0 to 18.</summary>
    [JsonPropertyName("EventType")]
    public required int EventType { get; init; }

    /// <summary>The value for the bucket, bot and channel (formatted as the series document's values), or null.</summary>
    [JsonPropertyName("Value")]
    public required decimal? Value { get; init; }
}
