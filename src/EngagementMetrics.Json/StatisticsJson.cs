using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

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
