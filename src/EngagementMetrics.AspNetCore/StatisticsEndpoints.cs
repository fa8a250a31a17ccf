using System.Globalization;
using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Json;
using EngagementMetrics.Statistics;
using EngagementMetrics.Time;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

public static partial class EngagementEndpoints
{
    /// <summary>Xenioo-style <c>GET /analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days}</c> and <c>/analytics/statistics/{types}/{groupMode}/{days}</c>.</summary>
    public static RouteGroupBuilder MapStatisticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, ApiFamily.Statistics, o => o.StatisticsSchemes);
        group.MapGet(
                "/analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days}",
                (HttpContext context, string apiKey, string types, string groupMode, string days, StatisticsEngine engine) =>
                    StatisticsAsync(context, new StatisticsRoute(apiKey, types, groupMode, days, StatisticsScope.Account), engine))
            .Describe(
                "AccountStatistics",
                "Account statistics: one series per type over the last days, for one bot of the account or all (*)",
                "Needs an account token. Throttled: one call per account per interval (default an hour); invalid requests and unknown bots do not use up the call.",
                StatisticsOperation(StatisticsScope.Account))
            .StatisticsAnswers();
        group.MapGet(
                "/analytics/statistics/{types}/{groupMode}/{days}",
                (HttpContext context, string types, string groupMode, string days, StatisticsEngine engine) =>
                    StatisticsAsync(context, new StatisticsRoute(null, types, groupMode, days, StatisticsScope.Bot), engine))
            .Describe(
                "BotStatistics",
                "Bot statistics: one series per type over the last days, for the bot of the token",
                "Needs a bot token. Throttled: one call per bot per interval (default 30 minutes). Type 18 (Tag Hit) is allowed here only.",
                StatisticsOperation(StatisticsScope.Bot))
            .StatisticsAnswers();
        return group;
    }

    private static ApiOperation StatisticsOperation(StatisticsScope scope)
    {
        List<ApiParameter> parameters = [];
        if (scope == StatisticsScope.Account)
        {
            parameters.Add(new("apiKey", ApiParameterPlace.Path, "A bot of the token's account, or * for every bot of it.") { Required = true, Example = "*" });
        }

        var codes = string.Join(", ", Enum.GetValues<StatisticType>().Select(t => $"{(int)t} {StatisticTypeNames.NameOf(t)}"));
        parameters.Add(new("types", ApiParameterPlace.Path, $"Comma-separated statistic type codes, at least one, in the order of the series: {codes}." + (scope == StatisticsScope.Account ? " 18 only on the bot route." : string.Empty))
        {
            Required = true,
            Pattern = @"^\d{1,2}(,\d{1,2})*$",
            Example = "0,2,9",
        });
        parameters.Add(new("groupMode", ApiParameterPlace.Path, "Bucket size, in any letter case.") { Required = true, Values = ["hour", "day", "month", "year"] });
        parameters.Add(new("days", ApiParameterPlace.Path, "The last local days, today included.") { Required = true, IntegerRange = (1, 30), Example = "7" });
        parameters.Add(ApiDescriptions.TimeZone("timeZone"));
        parameters.Add(new("format", ApiParameterPlace.Query, "rows (default): Xenioo's array of rows, one per period, bot, channel and type; series: one series per type over the window.") { Values = ["rows", "series"], Default = "rows" });
        return new ApiOperation(ApiFamily.Statistics, parameters);
    }

    private static RouteHandlerBuilder StatisticsAnswers(this RouteHandlerBuilder route) => route
        .Answers<StatisticsRowDocument[]>(200, "format=rows (the default): one row per (period, bot, channel, type), periods oldest first, bots by id, channels by name, types in the order asked.")
        .Answers<StatisticsResponse>(200, "format=series: series in the order asked, every bucket of the window, oldest first.")
        .AnswersCsv("With Accept: text/csv, RFC 4180 CSV with an empty cell for null: format=rows, the rows under GroupLabel,BotName,ChannelName,EventLabel,EventType,Value; format=series, one row per point of each series under type,name,period,value.")
        .Answers<StatisticsErrorResponse>(400, "types, groupMode, days, timeZone or format is invalid (named with its value).")
        .Answers<StatisticsErrorResponse>(401, "No Bearer token, or an unknown one.")
        .Answers<StatisticsErrorResponse>(403, "The wrong kind of token for the route (account token on the bot route, bot token on the account route), or a token without an account.")
        .Answers<StatisticsErrorResponse>(404, "The account or bot has not been found (also another account's bot).")
        .Answers<StatisticsErrorResponse>(429, "Too soon after the last call of this account or bot; Retry-After says how many seconds to wait.");

    // Throttled by the engine (StatisticsThrottleOptions): one call per account per hour, per bot per 30 minutes.
    private static async Task<IResult> StatisticsAsync(HttpContext context, StatisticsRoute route, StatisticsEngine engine)
    {
        if (context.User.FindFirst(EngagementAuthentication.AccountClaim)?.Value is not { Length: > 0 } account)
        {
            return StatisticsError(403, "The token names no account.");
        }

        var tokenBot = context.User.FindFirst(EngagementAuthentication.TokenBotClaim)?.Value;
        if (route.Scope == StatisticsScope.Bot && tokenBot is null)
        {
            return StatisticsError(403, "This endpoint needs a bot token.");
        }

        if (route.Scope == StatisticsScope.Account && tokenBot is not null)
        {
            return StatisticsError(403, "This endpoint needs an account token.");
        }

        try
        {
            // The row array by default (what Xenioo's page shows); ?format=series keeps the series document.
            var format = context.Request.Query.TryGetValue("format", out var f) ? StatisticsParameters.ParseFormat(f.ToString()) : StatisticsFormat.Rows;
            var query = new StatisticsQuery
            {
                AccountId = account,
                Bot = route.Scope == StatisticsScope.Bot ? tokenBot! : route.ApiKey!,
                Types = StatisticsParameters.ParseTypes(route.Types, route.Scope),
                GroupMode = StatisticsParameters.ParseGroupMode(route.GroupMode),
                Days = StatisticsParameters.ParseDays(route.Days),
                TimeZone = context.Request.Query.TryGetValue("timeZone", out var z) ? TimeZoneParser.Parse(z.ToString(), "timeZone") : TimeZoneInfo.Utc,
                Scope = route.Scope,
                Breakdown = format.ToBreakdown(),
            };
            var result = await engine.GetThrottledStatisticsAsync(query, context.RequestAborted);
            return QueryAnswer.Ok(context, () => StatisticsJson.Serialize(result, format, indented: false), () => EngagementCsv.Statistics(result, format));
        }
        catch (EngagementValidationException ex)
        {
            return StatisticsError(400, ex.Message);
        }
        catch (BotNotFoundException)
        {
            return StatisticsError(404, StatisticsJson.NotFoundMessage);
        }
        catch (EngagementThrottledException ex)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return StatisticsError(429, ex.Message);
        }
    }

    private static IResult StatisticsError(int status, string message) => Json(status, StatisticsJson.SerializeError(message));

    // The path parameters of either statistics route (the bot route has no API key).
    private sealed record StatisticsRoute(string? ApiKey, string Types, string GroupMode, string Days, StatisticsScope Scope);
}
