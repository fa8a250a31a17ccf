using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>The account / bot statistics document (docs/statistics.md).</summary>
public sealed class StatisticsResponse
{
    /// <summary>The caller's account.</summary>
    public required string Account { get; init; }

    /// <summary>The bot id, or <c>*</c>.</summary>
    public required string Bot { get; init; }

    /// <summary><c>hour</c>, <c>day</c>, <c>month</c> or <c>year</c>.</summary>
    public required string GroupMode { get; init; }

    /// <summary>The number of local days of the window.</summary>
    public required int Days { get; init; }

    /// <summary>The zone of the local buckets.</summary>
    public required string TimeZone { get; init; }

    /// <summary>First local date of the window, <c>yyyy-MM-dd</c>.</summary>
    public required string From { get; init; }

    /// <summary>Last local date of the window (today), <c>yyyy-MM-dd</c>.</summary>
    public required string To { get; init; }

    /// <summary>One series per requested type, in the requested order.</summary>
    public required IReadOnlyList<StatisticsSeriesDocument> Series { get; init; }
}

/// <summary>One type's series.</summary>
public sealed class StatisticsSeriesDocument
{
    /// <summary>The type code, 0 to 18.</summary>
    public required int Type { get; init; }

    /// <summary>The type's name, e.g. <c>New User</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Every bucket of the window, oldest first.</summary>
    public required IReadOnlyList<StatisticsPointDocument> Points { get; init; }
}

/// <summary>One bucket's value: an integer count, a number with at most 2 decimals, or null (a mean over nothing).</summary>
public sealed class StatisticsPointDocument
{
    /// <summary>The bucket label.</summary>
    public required string Period { get; init; }

    /// <summary>The value.</summary>
    public required decimal? Value { get; init; }
}

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

/// <summary>The statistics API's error body: <c>{"error":"..."}</c>.</summary>
public sealed class StatisticsErrorResponse
{
    /// <summary>What is wrong.</summary>
    public required string Error { get; init; }
}

/// <summary>Serializes <see cref="StatisticsResult"/> and the statistics error bodies.</summary>
public static class StatisticsJson
{
    /// <summary>The body of a 404: <c>{"error":"The specified account or bot has not been found."}</c>.</summary>
    public const string NotFoundMessage = "The specified account or bot has not been found.";

    /// <summary>The document of a result.</summary>
    public static StatisticsResponse ToDocument(StatisticsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new StatisticsResponse
        {
            Account = result.AccountId,
            Bot = result.Bot,
            GroupMode = result.GroupMode.ToWireName(),
            Days = result.Days,
            TimeZone = result.TimeZone.Id,
            From = result.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            To = result.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Series = [.. result.Series.Select(s => new StatisticsSeriesDocument
            {
                Type = (int)s.Type,
                Name = s.Name,
                Points = [.. s.Points.Select(p => new StatisticsPointDocument { Period = p.Period, Value = p.Value })],
            })],
        };
    }

    /// <summary>The row array of a result computed with <see cref="StatisticsBreakdown.BotAndChannel"/>.</summary>
    /// <exception cref="ArgumentException">The result was computed without that breakdown (it has no rows to give).</exception>
    public static StatisticsRowDocument[] ToRows(StatisticsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Breakdown != StatisticsBreakdown.BotAndChannel)
        {
            throw new ArgumentException("the result holds no rows: compute it with Breakdown = StatisticsBreakdown.BotAndChannel", nameof(result));
        }

        return [.. result.Rows.Select(r => new StatisticsRowDocument
        {
            GroupLabel = r.Period,
            BotName = r.Bot,
            ChannelName = r.Channel,
            EventLabel = r.Name,
            EventType = (int)r.Type,
            Value = r.Value,
        })];
    }

    /// <summary>Serializes a result's series document (two-space indentation and <c>\n</c> unless <paramref name="indented"/> is false).</summary>
    public static string Serialize(StatisticsResult result, bool indented = true) =>
        JsonSerializer.Serialize(ToDocument(result), KoreTrendJson.Context(indented).StatisticsResponse);

    /// <summary>Serializes a result in a format: the row array (<see cref="ToRows"/>) or the series document.</summary>
    /// <exception cref="ArgumentException">Rows of a result computed without <see cref="StatisticsBreakdown.BotAndChannel"/>.</exception>
    public static string Serialize(StatisticsResult result, StatisticsFormat format, bool indented = true) => format switch
    {
        StatisticsFormat.Rows => JsonSerializer.Serialize(ToRows(result), KoreTrendJson.Context(indented).StatisticsRowDocumentArray),
        _ => Serialize(result, indented),
    };

    /// <summary>Serializes the error body for a message such as <see cref="NotFoundMessage"/>.</summary>
    public static string SerializeError(string message, bool indented = false) =>
        JsonSerializer.Serialize(new StatisticsErrorResponse { Error = message }, KoreTrendJson.Context(indented).StatisticsErrorResponse);
}
