using System.Security.Claims;
using EngagementMetrics.AspNetCore;
using Microsoft.AspNetCore.Builder;

namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/dashboard.md.</summary>
internal static class DashboardDoc
{
    public static void Host(WebApplicationBuilder builder, Func<ClaimsPrincipal, IReadOnlyList<string>> botsOf)
    {
        #region services
        // Who may open the dashboard: a policy of the host's own sign-in (cookies, OpenID Connect, ...).
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("analytics", policy => policy.RequireRole("analytics"));

        // What each user may pick, and how the page opens.
        builder.Services.Configure<EngagementDashboardOptions>(o =>
        {
            o.Title = "Support bot engagement";
            o.DefaultTimeZone = "Europe/Berlin";
            o.BotsForUser = (context, _) => ValueTask.FromResult(botsOf(context.User));
        });
        #endregion
    }

    public static void Map(WebApplication app)
    {
        #region map
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapEngagementDashboard("/dashboard").RequireAuthorization("analytics");   // the page is /dashboard/
        #endregion
    }
}
