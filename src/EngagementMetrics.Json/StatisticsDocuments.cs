using System.Globalization;
using System.Text.Json;
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

    /// <summary>Serializes a result (two-space indentation and <c>\n</c> unless <paramref name="indented"/> is false).</summary>
    public static string Serialize(StatisticsResult result, bool indented = true) =>
        JsonSerializer.Serialize(ToDocument(result), KoreTrendJson.Context(indented).StatisticsResponse);

    /// <summary>Serializes the error body for a message such as <see cref="NotFoundMessage"/>.</summary>
    public static string SerializeError(string message, bool indented = false) =>
        JsonSerializer.Serialize(new StatisticsErrorResponse { Error = message }, KoreTrendJson.Context(indented).StatisticsErrorResponse);
}
