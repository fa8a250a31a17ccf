using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Engine;
using EngagementMetrics.Json;
using EngagementMetrics.Time;
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
        var group = Group(app, o => o.RocketChatSchemes);
        group.MapGet("/api/v1/engagement-dashboard/users/chat-busier/hourly-data", (HttpContext context, EngagementEngine engine, IOptions<EngagementEndpointOptions> options) =>
            ChatBusierAsync(context, engine, options.Value, hourly: true));
        group.MapGet("/api/v1/engagement-dashboard/users/chat-busier/weekly-data", (HttpContext context, EngagementEngine engine, IOptions<EngagementEndpointOptions> options) =>
            ChatBusierAsync(context, engine, options.Value, hourly: false));
        return group;
    }

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

            return Json(200, hourly
                ? RocketChatJson.SerializeHourly(await engine.GetChatBusierHourlyAsync(bot, start, zone, context.RequestAborted), indented: false)
                : RocketChatJson.SerializeWeekly(await engine.GetChatBusierWeeklyAsync(bot, start, zone, context.RequestAborted), indented: false));
        }
        catch (EngagementValidationException ex)
        {
            return RocketChatError(400, ex.Message);
        }
    }

    private static IResult RocketChatError(int status, string message) => Json(status, RocketChatJson.SerializeError(message));
}
