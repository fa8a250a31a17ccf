using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Json;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

public static partial class EngagementEndpoints
{
    /// <summary>The permission a Rocket.Chat user needs for the engagement dashboard.</summary>
    public const string DashboardPermission = "view-engagement-dashboard";

    private const string Unauthorized = "User does not have the permissions required for this action [error-unauthorized]";

    /// <summary>Rocket.Chat <c>GET /api/v1/engagement-dashboard/users/chat-busier/hourly-data</c> and <c>.../weekly-data</c>.</summary>
    public static RouteGroupBuilder MapRocketChatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, ApiFamily.RocketChat, o => o.RocketChatSchemes);
        group.MapGet("/api/v1/engagement-dashboard/users/chat-busier/hourly-data", (HttpContext context, EngagementEngine engine, IOptions<EngagementEndpointOptions> options) =>
                ChatBusierAsync(context, engine, options.Value, hourly: true))
            .Describe(
                "RocketChatChatBusierHourly",
                "Rocket.Chat chat busier, hourly data: distinct active users per two-hour bucket in the 24 hours before start",
                "Twelve buckets labelled by their first local hour (22, 20, ..., 0), all present, hour 22 first.",
                RocketChatOperation)
            .Answers<RocketChatHourlyResponse>(200, "Twelve two-hour buckets.")
            .AnswersCsv("With Accept: text/csv, the twelve buckets as RFC 4180 CSV, hour 22 first: users,hour.")
            .RocketChatErrors();
        group.MapGet("/api/v1/engagement-dashboard/users/chat-busier/weekly-data", (HttpContext context, EngagementEngine engine, IOptions<EngagementEndpointOptions> options) =>
                ChatBusierAsync(context, engine, options.Value, hourly: false))
            .Describe(
                "RocketChatChatBusierWeekly",
                "Rocket.Chat chat busier, weekly data: distinct active users per local date, date(start) - 7 through date(start)",
                "Only the dates with users, newest first (the list is called month, as in Rocket.Chat).",
                RocketChatOperation)
            .Answers<RocketChatWeeklyResponse>(200, "The dates with users.")
            .AnswersCsv("With Accept: text/csv, the dates with users as RFC 4180 CSV, newest first: users,day,month,year.")
            .RocketChatErrors();
        return group;
    }

    private static readonly ApiOperation RocketChatOperation = new(ApiFamily.RocketChat,
    [
        new("start", ApiParameterPlace.Query, "An ISO 8601 / RFC 3339 instant with Z or an offset. Missing: \"Match error: Missing key 'start'\"; malformed: \"Match error: Failed Match.Where validation in field start\".") { Required = true, Format = "date-time", Example = "2023-05-19T00:00:00.000Z" },
        ApiDescriptions.TimeZone("timeZone"),
        new("botId", ApiParameterPlace.Query, "The bot whose dashboard is read; default the server's RocketChatBotId. A user limited to some bots gets 403 for another.") { Example = "st-demo" },
    ]);

    private static RouteHandlerBuilder RocketChatErrors(this RouteHandlerBuilder route) => route
        .Answers<RocketChatError>(400, "start missing or malformed, an unknown timeZone, or no bot given or configured.")
        .Answers<RocketChatUnauthorizedError>(401, "No or unknown X-User-Id and X-Auth-Token.")
        .Answers<RocketChatError>(403, "The user lacks view-engagement-dashboard, or may not read this bot.");

    private static async Task<IResult> ChatBusierAsync(HttpContext context, EngagementEngine engine, EngagementEndpointOptions options, bool hourly)
    {
        if (!context.User.HasClaim(EngagementAuthentication.PermissionClaim, DashboardPermission))
        {
            return RocketChatError(403, Unauthorized);
        }

        try
        {
            var start = RocketChatParameters.ParseStart(context.Request.Query["start"].FirstOrDefault());
            var zone = context.Request.Query.TryGetValue("timeZone", out var z) ? TimeZoneParser.Parse(z.ToString(), "timeZone") : TimeZoneInfo.Utc;
            var bot = context.Request.Query["botId"].FirstOrDefault() is { Length: > 0 } named ? named : options.RocketChatBotId;
            if (string.IsNullOrEmpty(bot))
            {
                return RocketChatError(400, "No bot is configured for the engagement dashboard (RocketChatBotId) and no botId was given");
            }

            var allowed = context.User.FindAll(EngagementAuthentication.BotClaim).Select(c => c.Value).ToList();
            if (allowed.Count > 0 && !allowed.Contains(bot))
            {
                return RocketChatError(403, Unauthorized);
            }

            if (hourly)
            {
                var hours = await engine.GetChatBusierHourlyAsync(bot, start, zone, context.RequestAborted);
                return QueryAnswer.Ok(context, () => RocketChatJson.SerializeHourly(hours, indented: false), () => EngagementCsv.ChatBusierHourly(hours));
            }

            var days = await engine.GetChatBusierWeeklyAsync(bot, start, zone, context.RequestAborted);
            return QueryAnswer.Ok(context, () => RocketChatJson.SerializeWeekly(days, indented: false), () => EngagementCsv.ChatBusierWeekly(days));
        }
        catch (EngagementValidationException ex)
        {
            return RocketChatError(400, ex.Message);
        }
    }

    private static IResult RocketChatError(int status, string message) => Json(status, RocketChatJson.SerializeError(message));
}
