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
        var group = Group(app, o => o.StatisticsSchemes);
        group.MapGet(
            "/analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days}",
            (HttpContext context, string apiKey, string types, string groupMode, string days, StatisticsEngine engine) =>
                StatisticsAsync(context, new StatisticsRoute(apiKey, types, groupMode, days, StatisticsScope.Account), engine));
        group.MapGet(
            "/analytics/statistics/{types}/{groupMode}/{days}",
            (HttpContext context, string types, string groupMode, string days, StatisticsEngine engine) =>
                StatisticsAsync(context, new StatisticsRoute(null, types, groupMode, days, StatisticsScope.Bot), engine));
        return group;
    }

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
            return Json(200, StatisticsJson.Serialize(result, format, indented: false));
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
