using EngagementMetrics.Trends;

namespace EngagementMetrics.Json;

/// <summary>
/// Builds a <see cref="TrendQuery"/> from a front door's parameters, and names the engine's validation errors by those
/// parameters. The one binder behind the Kore.ai routes and the <c>engagement trend</c> command.
/// </summary>
public static class TrendQueryBinder
{
    /// <summary>The aggregations the Kore.ai APIs offer (and so the CLI): hourly and daily.</summary>
    public static IReadOnlyList<TrendAggregation> Aggregations { get; } = [TrendAggregation.Hourly, TrendAggregation.Daily];

    /// <summary>Reads and validates every trend parameter.</summary>
    /// <param name="botId">The bot (stream) the trend is for.</param>
    /// <param name="value">A parameter's value by its name in <paramref name="names"/>, or <see langword="null"/> when absent.</param>
    /// <param name="names">What the front door calls the parameters.</param>
    /// <param name="zoneAndFilters">
    /// Whether the time zone and the conversation filters are read (Kore.ai v2 and the CLI); without them the query is
    /// in UTC over every conversation (Kore.ai v1).
    /// </param>
    /// <exception cref="EngagementValidationException">A value is missing or invalid; the error names it as <paramref name="names"/> does.</exception>
    public static TrendQuery Bind(string botId, Func<string, string?> value, TrendParameterNames names, bool zoneAndFilters = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(names);
        return new TrendQuery
        {
            BotId = botId,
            StartDate = TrendParameters.ParseDate(value(names.StartDate), names.StartDate),
            EndDate = TrendParameters.ParseDate(value(names.EndDate), names.EndDate),
            Aggregation = TrendParameters.ParseAggregation(value(names.Aggregation), names.Aggregation, Aggregations),
            Channels = TrendParameters.ParseChannels(value(names.Channels), names.Channels),
            TimeZone = zoneAndFilters ? TrendParameters.ParseTimeZone(value(names.TimeZone), names.TimeZone) : TimeZoneInfo.Utc,
            ConversationType = zoneAndFilters ? TrendParameters.ParseConversationType(value(names.ConversationType), names.ConversationType) : ConversationTypeFilter.All,
            ConversationStatus = zoneAndFilters ? TrendParameters.ParseConversationStatus(value(names.ConversationStatus), names.ConversationStatus) : ConversationStatusFilter.All,
        };
    }

    /// <summary>
    /// The engine's validation error about <paramref name="query"/> (a trend's or any other <see cref="PeriodQuery"/>'s,
    /// whose errors name the query's properties, such as <c>EndDate</c>) in the front door's terms: the parameter as
    /// <paramref name="names"/> calls it, and a message that names parameters the same way (<c>end_date 2025-11-20 is before start_date 2025-12-09</c>).
    /// </summary>
    public static EngagementValidationException InWireTerms(EngagementValidationException error, PeriodQuery query, TrendParameterNames names)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(names);
        var name = error.ParameterName switch
        {
            nameof(TrendQuery.StartDate) => names.StartDate,
            nameof(TrendQuery.EndDate) => names.EndDate,
            nameof(TrendQuery.Aggregation) => names.Aggregation,
            nameof(TrendQuery.Channels) => names.Channels,
            nameof(TrendQuery.TimeZone) => names.TimeZone,
            nameof(TrendQuery.ConversationType) => names.ConversationType,
            nameof(TrendQuery.ConversationStatus) => names.ConversationStatus,
            _ => error.ParameterName,
        };
        var message = error.ParameterName == nameof(TrendQuery.EndDate) && query.EndDate < query.StartDate
            ? $"{names.EndDate} {query.EndDate:yyyy-MM-dd} is before {names.StartDate} {query.StartDate:yyyy-MM-dd}"
            : error.Message;
        return new EngagementValidationException(name, error.Value, message);
    }
}
