using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Json;

/// <summary>
/// Builds a <see cref="LifecycleQuery"/> or a <see cref="RetentionQuery"/> from a front door's parameters, and names the
/// engine's validation errors by those parameters: the one binder behind every front door of these questions.
/// </summary>
/// <remarks>Dates, zone and filters are read exactly as for a trend (<see cref="TrendParameters"/>). Thread-safe.</remarks>
public static class LifecycleQueryBinder
{
    /// <summary>Reads and validates every lifecycle parameter.</summary>
    /// <param name="botId">The bot.</param>
    /// <param name="value">A parameter's value by its name in <paramref name="names"/>, or <see langword="null"/> when absent.</param>
    /// <param name="names">What the front door calls the parameters.</param>
    /// <exception cref="EngagementValidationException">A value is missing or invalid; the error names it as <paramref name="names"/> does.</exception>
    public static LifecycleQuery BindLifecycle(string botId, Func<string, string?> value, LifecycleParameterNames names)
    {
        var (start, end) = Dates(value, names);
        return Filters(new LifecycleQuery
        {
            BotId = botId,
            StartDate = start,
            EndDate = end,
            Aggregation = LifecycleParameters.ParseAggregation(value(names.Period.Aggregation), names.Period.Aggregation),
        }, value, names.Period);
    }

    /// <summary>Reads and validates every retention parameter.</summary>
    /// <param name="botId">The bot.</param>
    /// <param name="value">A parameter's value by its name in <paramref name="names"/>, or <see langword="null"/> when absent.</param>
    /// <param name="names">What the front door calls the parameters.</param>
    /// <exception cref="EngagementValidationException">A value is missing or invalid; the error names it as <paramref name="names"/> does.</exception>
    public static RetentionQuery BindRetention(string botId, Func<string, string?> value, LifecycleParameterNames names)
    {
        var (start, end) = Dates(value, names);
        return Filters(new RetentionQuery
        {
            BotId = botId,
            StartDate = start,
            EndDate = end,
            Interval = LifecycleParameters.ParseInterval(value(names.Interval), names.Interval),
            Periods = LifecycleParameters.ParsePeriods(value(names.Periods), names.Periods),
        }, value, names.Period);
    }

    /// <summary>
    /// The engine's validation error about <paramref name="query"/> (which names the query's properties, such as
    /// <c>EndDate</c> or <c>Periods</c>) in the front door's terms.
    /// </summary>
    public static EngagementValidationException InWireTerms(EngagementValidationException error, PeriodQuery query, LifecycleParameterNames names)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(names);
        return error.ParameterName switch
        {
            nameof(RetentionQuery.Interval) => new EngagementValidationException(names.Interval, error.Value, $"invalid {names.Interval} '{error.Value}': expected day or week"),
            nameof(RetentionQuery.Periods) => new EngagementValidationException(names.Periods, error.Value, $"invalid {names.Periods} '{error.Value}': expected a whole number from 1 to {RetentionQuery.MaxPeriods}"),
            _ => TrendQueryBinder.InWireTerms(error, query, names.Period),
        };
    }

    private static (DateOnly Start, DateOnly End) Dates(Func<string, string?> value, LifecycleParameterNames names)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(names);
        return (TrendParameters.ParseDate(value(names.Period.StartDate), names.Period.StartDate), TrendParameters.ParseDate(value(names.Period.EndDate), names.Period.EndDate));
    }

    // The zone and the filters, read as for a trend.
    private static TQuery Filters<TQuery>(TQuery query, Func<string, string?> value, TrendParameterNames names)
        where TQuery : PeriodQuery => query with
        {
            Channels = TrendParameters.ParseChannels(value(names.Channels), names.Channels),
            TimeZone = TrendParameters.ParseTimeZone(value(names.TimeZone), names.TimeZone),
            ConversationType = TrendParameters.ParseConversationType(value(names.ConversationType), names.ConversationType),
            ConversationStatus = TrendParameters.ParseConversationStatus(value(names.ConversationStatus), names.ConversationStatus),
        };
}
