using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using EngagementMetrics.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.Cli;

/// <summary>
/// <c>engagement serve --dashboard</c>: the dashboard at <c>/dashboard/</c>, for the users of section
/// <c>EngagementMetrics:Dashboard</c> (HTTP Basic sign-in, accepted only over HTTPS or on a loopback connection), or,
/// with <c>--demo-data</c> on a loopback address and no users configured, open to anyone who can reach it.
/// </summary>
internal static class ServeDashboard
{
    public const string Section = "EngagementMetrics:Dashboard";
    public const string Path = "/dashboard";
    public const string Scheme = "EngagementDashboardBasic";
    private const string Policy = "EngagementDashboard";

    /// <summary>How the dashboard is reached, decided before the host is built (so a bad setting stops serve in one line).</summary>
    public sealed record Plan(bool Open, DashboardSettings Settings);

    /// <exception cref="EngagementValidationException">No users and not an open demo; a user without a name, password or bots.</exception>
    public static Plan Decide(IConfiguration configuration, string urls, bool demoData)
    {
        DashboardSettings settings;
        try
        {
            settings = configuration.GetSection(Section).Get<DashboardSettings>() ?? new DashboardSettings();
        }
        catch (InvalidOperationException ex)
        {
            throw new EngagementValidationException(Section, null, $"invalid settings: {ex.Message}");
        }

        foreach (var user in settings.Users)
        {
            if (string.IsNullOrWhiteSpace(user.User) || string.IsNullOrEmpty(user.Password) || user.Bots.Count == 0)
            {
                throw new EngagementValidationException(Section + ":Users", user.User, $"invalid dashboard user '{user.User}': each needs User, Password and at least one bot in Bots");
            }
        }

        var loopback = urls.Split(';', StringSplitOptions.RemoveEmptyEntries).All(IsLoopback);
        if (settings.Users.Count == 0 && !(demoData && loopback))
        {
            throw new EngagementValidationException(Section + ":Users", null,
                "serve --dashboard: no dashboard users configured: add EngagementMetrics:Dashboard:Users ({\"User\", \"Password\", \"Bots\"}) to appsettings.json, or use --demo-data on a loopback address for an open demo dashboard");
        }

        return new Plan(settings.Users.Count == 0, settings);
    }

    public static void AddServices(IServiceCollection services, Plan plan, bool demoData)
    {
        services.Configure<EngagementDashboardOptions>(o =>
        {
            o.Title = plan.Settings.Title ?? o.Title;
            if (plan.Open)
            {
                o.Bots = [Demo.BotId];
            }
            else
            {
                o.BotsForUser = (context, _) => ValueTask.FromResult<IReadOnlyList<string>>(
                    plan.Settings.Users.FirstOrDefault(u => u.User == context.User.Identity?.Name)?.Bots ?? []);
            }

            o.DefaultTimeZone = plan.Settings.TimeZone ?? (demoData ? Demo.Zone : o.DefaultTimeZone);
            if (demoData)
            {
                o.DefaultStartDate = Demo.Start;
                o.DefaultEndDate = Demo.End;
            }
        });

        if (!plan.Open)
        {
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BasicHandler>(Scheme, null);
            services.AddSingleton(plan.Settings);
            services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        }
    }

    public static void Map(WebApplication app, Plan plan)
    {
        var group = app.MapEngagementDashboard(Path);
        if (!plan.Open)
        {
            group.RequireAuthorization(Policy);
        }
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url.Trim().Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));

    /// <summary>HTTP Basic against <see cref="DashboardSettings.Users"/>, only over HTTPS or a loopback connection (a password in clear text never crosses a network).</summary>
    private sealed class BasicHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, DashboardSettings settings)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            string header = Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var local = Context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
            if (!Request.IsHttps && !local)
            {
                return Task.FromResult(AuthenticateResult.Fail("Basic credentials are accepted only over HTTPS or from loopback"));
            }

            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return Task.FromResult(AuthenticateResult.Fail("malformed Basic credentials"));
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? null : settings.Users.FirstOrDefault(u => u.User == decoded[..colon]);
            if (user is null || !EngagementAuthentication.FixedTimeEquals(user.Password, decoded[(colon + 1)..]))
            {
                return Task.FromResult(AuthenticateResult.Fail("unknown user or wrong password"));
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.User)], ServeDashboard.Scheme);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ServeDashboard.Scheme)));
        }

        protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Response.Headers.WWWAuthenticate = "Basic realm=\"engagement dashboard\", charset=\"UTF-8\"";
            return Task.CompletedTask;
        }
    }
}

/// <summary>Section <c>EngagementMetrics:Dashboard</c> of serve's settings.</summary>
internal sealed class DashboardSettings
{
    public string? Title { get; set; }

    public string? TimeZone { get; set; }

    public List<DashboardUser> Users { get; set; } = [];
}

/// <summary>A dashboard user: a name, a password, and the bots they may read.</summary>
internal sealed class DashboardUser
{
    public string User { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;

    public List<string> Bots { get; set; } = [];
}
