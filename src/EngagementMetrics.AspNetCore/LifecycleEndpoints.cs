using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Json;
using EngagementMetrics.Retention;
using EngagementMetrics.Trends;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

public static partial class EngagementEndpoints
{
    /// <summary>The path of this package's own questions about one bot: <c>/api/engagement/bot/{botId}</c>, beside ingest's <c>/api/engagement/events</c>.</summary>
    private const string BotPath = "/api/engagement/bot/{botId}";

    /// <summary>
    /// The parameters of the lifecycle and retention routes: the Kore.ai v2 names for the period, zone and filters
    /// (<c>start_date</c>, <c>end_date</c>, <c>timeZoneOffset</c>, <c>channels</c>, <c>conversationType</c>,
    /// <c>conversationStatus</c>), and <c>aggregation</c>, <c>interval</c>, <c>periods</c>.
    /// </summary>
    private static readonly LifecycleParameterNames LifecycleNames = new(TrendParameterNames.Kore with { Aggregation = "aggregation" }, "interval", "periods");

    /// <summary>
    /// This package's own <c>GET /api/engagement/bot/{botId}/lifecycle</c> and <c>GET /api/engagement/bot/{botId}/retention</c>
    /// (docs/lifecycle-retention.md), authorised like the Kore.ai routes: the <c>auth</c> JWT of an app that may read the bot.
    /// </summary>
    public static RouteGroupBuilder MapLifecycleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, ApiFamily.Lifecycle, o => o.KoreSchemes);
        group.MapGet(BotPath + "/lifecycle", (HttpContext context, string botId, EngagementEngine engine) =>
                PeriodAnswerAsync(context, botId, LifecycleQueryBinder.BindLifecycle, engine.GetLifecycleAsync, report => LifecycleJson.Serialize(report, indented: false), EngagementCsv.Lifecycle))
            .Describe(
                "EngagementLifecycle",
                "Lifecycle: new, returning, resurrecting and dormant users per local hour, day, week or month",
                "For each bucket B of the period and the bucket P before it: users active in B and first seen in B (new), active in B and P (returning), active in B and not P and first seen before B (resurrecting), active in P and not B (dormant). First seen over the bot's whole history, ignoring the filters.",
                LifecycleOperation(retention: false))
            .Answers<LifecycleDocument>(200, "The lifecycle document: every bucket of the period, oldest first.")
            .AnswersCsv("With Accept: text/csv, the buckets as RFC 4180 CSV, oldest first: period,new,returning,resurrecting,dormant.")
            .KoreErrors(LifecycleBadRequest);
        group.MapGet(BotPath + "/retention", (HttpContext context, string botId, EngagementEngine engine) =>
                PeriodAnswerAsync(context, botId, LifecycleQueryBinder.BindRetention, engine.GetRetentionAsync, report => LifecycleJson.Serialize(report, indented: false), EngagementCsv.Retention))
            .Describe(
                "EngagementRetention",
                "Retention: the users first seen in each local day or ISO week, and how many are active in each interval after it",
                "Every day (or ISO week, counted whole) that overlaps the period is a cohort, also an empty one. retained[N] counts the cohort's users active under the filters N intervals later (N = 0: its own), up to the period's last interval and at most periods entries; percent[N] is 100 * retained[N] / users to 2 decimals, null for an empty cohort.",
                LifecycleOperation(retention: true))
            .Answers<RetentionDocument>(200, "The retention document: every cohort of the period, oldest first.")
            .AnswersCsv("With Accept: text/csv, the cohorts as RFC 4180 CSV, oldest first: cohort,users,retained[0],...,percent[0],..., one column per entry of the longest cohort, an empty cell past a cohort's last entry and for a null percent.")
            .KoreErrors(LifecycleBadRequest);
        return group;
    }

    private const string LifecycleBadRequest = "A parameter is missing or invalid (named with its value).";

    // The engine's error in the routes' terms, naming the parameter and its value where its message does not (a period
    // longer than MaxPeriodDays, a date outside years 2 to 9998), as every parse error does.
    private static EngagementValidationException Named(EngagementValidationException error) =>
        error.ParameterName is { Length: > 0 } name && !error.Message.Contains(name, StringComparison.Ordinal)
            ? new EngagementValidationException(name, error.Value, $"invalid {name} '{error.Value}': {error.Message}")
            : error;

    // A lifecycle or retention question: its parameters from the query string by LifecycleNames, answered the Kore.ai way.
    private static Task<IResult> PeriodAnswerAsync<TQuery, TReport>(
        HttpContext context,
        string botId,
        Func<string, Func<string, string?>, LifecycleParameterNames, TQuery> bind,
        Func<TQuery, CancellationToken, ValueTask<TReport>> ask,
        Func<TReport, string> json,
        Func<TReport, CsvTable> csv)
        where TQuery : PeriodQuery => KoreAnswerAsync(
            context,
            botId,
            () => Task.FromResult(bind(botId, name => context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null, LifecycleNames)),
            ask,
            (error, query) => Named(LifecycleQueryBinder.InWireTerms(error, query, LifecycleNames)),
            json,
            csv);

    private static ApiOperation LifecycleOperation(bool retention)
    {
        var names = LifecycleNames;
        List<ApiParameter> parameters =
        [
            new("botId", ApiParameterPlace.Path, "The bot id; the app's token must grant it.") { Required = true, Example = "st-demo" },
            .. KorePeriodParameters(names.Period, zoneAndFilters: true, required: true),
        ];
        if (retention)
        {
            parameters.Add(new(names.Interval, ApiParameterPlace.Query, "Cohort interval: local days, or ISO weeks (Monday first, counted whole); any letter case.") { Values = ["day", "week"], Default = "day" });
            parameters.Add(new(names.Periods, ApiParameterPlace.Query, "How many intervals each cohort follows, its own included (default 8).") { IntegerRange = (1, RetentionQuery.MaxPeriods), Example = "8" });
        }
        else
        {
            parameters.Add(new(names.Period.Aggregation, ApiParameterPlace.Query, "Bucket size: local hours, days, ISO weeks (Monday first) or months; any letter case.") { Values = ["hour", "day", "week", "month"], Default = "day" });
        }

        return new ApiOperation(ApiFamily.Lifecycle, parameters);
    }
}
