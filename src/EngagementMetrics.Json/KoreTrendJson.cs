using System.Globalization;
using System.Text.Json;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Json;

/// <summary>
/// Turns an <see cref="EngagementTrend"/> into the Kore.ai User Engagement Trend documents (v1 and v2), exactly as
/// documented: property order, numbers as numbers, dates <c>MMM dd yyyy</c>, hour keys <c>"0 - 1"</c> ... <c>"23 - 0"</c>.
/// </summary>
/// <remarks>Thread-safe (stateless). Only hourly and daily trends have a Kore.ai shape.</remarks>
public static class KoreTrendJson
{
    private static readonly EngagementJsonContext Indented = CreateContext(indented: true);
    private static readonly EngagementJsonContext Compact = CreateContext(indented: false);

    /// <summary>Formats a date as the documents do: <c>Dec 01 2025</c>.</summary>
    public static string FormatDate(DateOnly date) => date.ToString("MMM dd yyyy", CultureInfo.InvariantCulture);

    /// <summary>The v1 daily document.</summary>
    /// <exception cref="ArgumentException">The trend is not daily.</exception>
    public static KoreV1Response<KoreDailyPoint> ToV1Daily(EngagementTrend trend)
    {
        var points = DailyPoints(trend, static b => b.UniqueUsers);
        return new KoreV1Response<KoreDailyPoint> { Results = points, TotalResults = points.Length };
    }

    /// <summary>The v1 hourly document.</summary>
    /// <exception cref="ArgumentException">The trend is not hourly.</exception>
    public static KoreV1Response<KoreHourlyPoint> ToV1Hourly(EngagementTrend trend)
    {
        var points = HourlyPoints(trend, static b => b.UniqueUsers);
        return new KoreV1Response<KoreHourlyPoint> { Results = points, TotalResults = points.Length };
    }

    /// <summary>The v2 daily document.</summary>
    /// <exception cref="ArgumentException">The trend is not daily.</exception>
    public static KoreV2Response<KoreDailyPoint> ToV2Daily(EngagementTrend trend) => new()
    {
        Summary = Summary(trend),
        UniqueUsersTrend = new() { DataPoints = DailyPoints(trend, static b => b.UniqueUsers) },
        NewUsersTrend = new() { DataPoints = DailyPoints(trend, static b => b.NewUsers) },
        ReturningUsersTrend = new() { DataPoints = DailyPoints(trend, static b => b.ReturningUsers) },
        Filters = Filters(trend),
    };

    /// <summary>The v2 hourly document.</summary>
    /// <exception cref="ArgumentException">The trend is not hourly.</exception>
    public static KoreV2Response<KoreHourlyPoint> ToV2Hourly(EngagementTrend trend) => new()
    {
        Summary = Summary(trend),
        UniqueUsersTrend = new() { DataPoints = HourlyPoints(trend, static b => b.UniqueUsers) },
        NewUsersTrend = new() { DataPoints = HourlyPoints(trend, static b => b.NewUsers) },
        ReturningUsersTrend = new() { DataPoints = HourlyPoints(trend, static b => b.ReturningUsers) },
        Filters = Filters(trend),
    };

    /// <summary>Serializes the v1 document matching the trend's aggregation (hourly or daily).</summary>
    /// <param name="trend">An hourly or daily trend.</param>
    /// <param name="indented">Two-space indentation with <c>\n</c> line ends, as the documented examples (default); else compact.</param>
    /// <exception cref="ArgumentException">The trend is neither hourly nor daily.</exception>
    public static string SerializeV1(EngagementTrend trend, bool indented = true)
    {
        var context = indented ? Indented : Compact;
        return IsHourly(trend)
            ? JsonSerializer.Serialize(ToV1Hourly(trend), context.KoreV1ResponseKoreHourlyPoint)
            : JsonSerializer.Serialize(ToV1Daily(trend), context.KoreV1ResponseKoreDailyPoint);
    }

    /// <summary>Serializes the v2 document matching the trend's aggregation (hourly or daily).</summary>
    /// <param name="trend">An hourly or daily trend.</param>
    /// <param name="indented">Two-space indentation with <c>\n</c> line ends, as the documented examples (default); else compact.</param>
    /// <exception cref="ArgumentException">The trend is neither hourly nor daily.</exception>
    public static string SerializeV2(EngagementTrend trend, bool indented = true)
    {
        var context = indented ? Indented : Compact;
        return IsHourly(trend)
            ? JsonSerializer.Serialize(ToV2Hourly(trend), context.KoreV2ResponseKoreHourlyPoint)
            : JsonSerializer.Serialize(ToV2Daily(trend), context.KoreV2ResponseKoreDailyPoint);
    }

    /// <summary>Writes the v2 document to a stream as UTF-8 (compact unless <paramref name="indented"/>).</summary>
    public static Task WriteV2Async(Stream utf8Stream, EngagementTrend trend, bool indented = false, CancellationToken cancellationToken = default)
    {
        var context = indented ? Indented : Compact;
        return IsHourly(trend)
            ? JsonSerializer.SerializeAsync(utf8Stream, ToV2Hourly(trend), context.KoreV2ResponseKoreHourlyPoint, cancellationToken)
            : JsonSerializer.SerializeAsync(utf8Stream, ToV2Daily(trend), context.KoreV2ResponseKoreDailyPoint, cancellationToken);
    }

    /// <summary>Writes the v1 document to a stream as UTF-8 (compact unless <paramref name="indented"/>).</summary>
    public static Task WriteV1Async(Stream utf8Stream, EngagementTrend trend, bool indented = false, CancellationToken cancellationToken = default)
    {
        var context = indented ? Indented : Compact;
        return IsHourly(trend)
            ? JsonSerializer.SerializeAsync(utf8Stream, ToV1Hourly(trend), context.KoreV1ResponseKoreHourlyPoint, cancellationToken)
            : JsonSerializer.SerializeAsync(utf8Stream, ToV1Daily(trend), context.KoreV1ResponseKoreDailyPoint, cancellationToken);
    }

    internal static bool IsHourly(EngagementTrend trend)
    {
        ArgumentNullException.ThrowIfNull(trend);
        return trend.Query.Aggregation switch
        {
            TrendAggregation.Hourly => true,
            TrendAggregation.Daily => false,
            _ => throw new ArgumentException($"Kore.ai documents are hourly or daily; this trend is {trend.Query.Aggregation.ToWireName()}.", nameof(trend)),
        };
    }

    private static KoreV2Summary Summary(EngagementTrend trend) => new()
    {
        UniqueUsers = trend.Summary.UniqueUsers,
        NewUsers = trend.Summary.NewUsers,
        ReturningUsers = trend.Summary.ReturningUsers,
        AvgUniqueUsersPerDay = trend.Summary.AvgUniqueUsersPerDay,
        AvgNewUsersPerDay = trend.Summary.AvgNewUsersPerDay,
        AvgReturningUsersPerDay = trend.Summary.AvgReturningUsersPerDay,
    };

    private static KoreV2Filters Filters(EngagementTrend trend) => new()
    {
        Start = FormatDate(trend.Query.StartDate),
        End = FormatDate(trend.Query.EndDate),
        ConversationType = trend.Query.ConversationType.ToWireName(),
        ConversationStatus = trend.Query.ConversationStatus.ToWireName(),
        AggregationType = trend.Query.Aggregation.ToWireName(),
        DataPointsCount = trend.Days,
    };

    private static KoreDailyPoint[] DailyPoints(EngagementTrend trend, Func<TrendBucket, int> value)
    {
        if (IsHourly(trend))
        {
            throw new ArgumentException("This document needs a daily trend.", nameof(trend));
        }

        var points = new KoreDailyPoint[trend.Buckets.Count];
        for (var i = 0; i < points.Length; i++)
        {
            var bucket = trend.Buckets[i];
            points[i] = new KoreDailyPoint { Date = FormatDate(bucket.Date), Users = value(bucket) };
        }

        return points;
    }

    private static KoreHourlyPoint[] HourlyPoints(EngagementTrend trend, Func<TrendBucket, int> value)
    {
        if (!IsHourly(trend))
        {
            throw new ArgumentException("This document needs an hourly trend.", nameof(trend));
        }

        var points = new KoreHourlyPoint[trend.Days];
        for (var d = 0; d < points.Length; d++)
        {
            var hours = new int[24];
            for (var h = 0; h < 24; h++)
            {
                hours[h] = value(trend.Buckets[(d * 24) + h]);
            }

            points[d] = new KoreHourlyPoint { Date = FormatDate(trend.Buckets[d * 24].Date), Hours = hours };
        }

        return points;
    }

    /// <summary>Serializes Kore.ai's error body for a status (400, 401, 403, 404) and message.</summary>
    public static string SerializeError(int status, string message, bool indented = false) =>
        JsonSerializer.Serialize(new KoreErrorResponse { Errors = [new KoreErrorItem { Msg = message, Code = status }] }, Context(indented).KoreErrorResponse);

    /// <summary>The 24 hour keys of an hourly data point, in document order: <c>"0 - 1"</c> ... <c>"23 - 0"</c>.</summary>
    public static IReadOnlyList<string> HourlyKeys { get; } = Enumerable.Range(0, 24).Select(h => $"{h} - {(h + 1) % 24}").ToArray();

    internal static EngagementJsonContext Context(bool indented) => indented ? Indented : Compact;

    private static EngagementJsonContext CreateContext(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = indented,

            // Text as the documented APIs write it ("Missing key 'start'", not "\u0027start\u0027"). These are API
            // response bodies served as application/json, never embedded in HTML.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
#if NET9_0_OR_GREATER
        options.NewLine = "\n";
#endif
        return new EngagementJsonContext(options);
    }
}
