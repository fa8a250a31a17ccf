using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using EngagementMetrics.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.AspNetCore;

/// <summary>
/// Scheme names and claim types of the routes' authentication. The routes require an authenticated user of their
/// family's schemes (<see cref="EngagementEndpointOptions"/>) and read grants from these claims, so a host may use its
/// own scheme instead of the built-in ones as long as it issues the same claims.
/// </summary>
public static class EngagementAuthentication
{
    /// <summary>Kore.ai <c>auth: &lt;JWT&gt;</c> (HS256 with the app's client secret).</summary>
    public const string KoreScheme = "EngagementMetrics.Kore";

    /// <summary>Rocket.Chat <c>X-User-Id</c> + <c>X-Auth-Token</c>.</summary>
    public const string RocketChatScheme = "EngagementMetrics.RocketChat";

    /// <summary>Xenioo <c>Authorization: Bearer</c> account or bot token.</summary>
    public const string StatisticsScheme = "EngagementMetrics.Statistics";

    /// <summary><c>X-Api-Key</c> of the ingest route.</summary>
    public const string IngestScheme = "EngagementMetrics.Ingest";

    /// <summary>A bot the caller may read; <c>*</c> for every bot (Kore apps). Rocket.Chat users without it may read any bot.</summary>
    public const string BotClaim = "engagement:bot";

    /// <summary>The caller's account (statistics).</summary>
    public const string AccountClaim = "engagement:account";

    /// <summary>The bot of a bot token (statistics bot endpoint).</summary>
    public const string TokenBotClaim = "engagement:token-bot";

    /// <summary>A Rocket.Chat permission, e.g. <c>view-engagement-dashboard</c>.</summary>
    public const string PermissionClaim = "engagement:permission";

    /// <summary>
    /// Adds the four built-in schemes (Kore.ai JWT, Rocket.Chat token, statistics bearer, ingest key). Each reads its
    /// secrets and callbacks from <see cref="EngagementEndpointOptions"/>; a missing header leaves the request
    /// unauthenticated and the route answers its family's 401 body.
    /// </summary>
    public static AuthenticationBuilder AddEngagementMetricsSchemes(this AuthenticationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAuthorization();
        builder.AddScheme<AuthenticationSchemeOptions, KoreJwtHandler>(KoreScheme, null);
        builder.AddScheme<AuthenticationSchemeOptions, RocketChatTokenHandler>(RocketChatScheme, null);
        builder.AddScheme<AuthenticationSchemeOptions, StatisticsBearerHandler>(StatisticsScheme, null);
        builder.AddScheme<AuthenticationSchemeOptions, IngestKeyHandler>(IngestScheme, null);
        return builder;
    }

    internal static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(actual)));

    internal static AuthenticateResult Success(string scheme, IEnumerable<Claim> claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, scheme)), scheme));
}

/// <summary>Common shape of the built-in handlers: read options, write the family's 401 body on a challenge.</summary>
internal abstract class EngagementHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected EngagementEndpointOptions Settings => Context.RequestServices.GetRequiredService<IOptions<EngagementEndpointOptions>>().Value;

    protected abstract string UnauthorizedBody(string? reason);

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = 401;
        Response.ContentType = "application/json; charset=utf-8";
        await Response.WriteAsync(UnauthorizedBody(result.Failure?.Message));
    }
}

internal sealed class KoreJwtHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TimeProvider time)
    : EngagementHandler(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue("auth", out var header) || header.ToString().Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var settings = Settings;
        var validation = new Hs256JwtValidator(time, settings.JwtClockSkew).Validate(
            header.ToString(),
            appId => settings.KoreApps.FirstOrDefault(a => a.AppId == appId) is { ClientSecret.Length: > 0 } app ? Encoding.UTF8.GetBytes(app.ClientSecret) : null);
        if (!validation.IsValid)
        {
            return Task.FromResult(AuthenticateResult.Fail(validation.Error!));
        }

        var app = settings.KoreApps.First(a => a.AppId == validation.AppId);
        return Task.FromResult(EngagementAuthentication.Success(Scheme.Name, [new Claim(ClaimTypes.NameIdentifier, app.AppId), .. app.Bots.Select(b => new Claim(EngagementAuthentication.BotClaim, b))]));
    }

    protected override string UnauthorizedBody(string? reason) => KoreTrendJson.SerializeError(401, "Invalid or missing auth token" + (reason is null ? string.Empty : ": " + reason));
}

internal sealed class RocketChatTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : EngagementHandler(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var userId = Request.Headers["X-User-Id"].ToString();
        var token = Request.Headers["X-Auth-Token"].ToString();
        if (userId.Length == 0 || token.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        if (Settings.RocketChatAuthenticator is not { } authenticate || await authenticate(userId, token, Context.RequestAborted) is not { } user)
        {
            return AuthenticateResult.Fail("unknown user or token");
        }

        return EngagementAuthentication.Success(Scheme.Name,
        [
            new Claim(ClaimTypes.NameIdentifier, user.UserId),
            .. user.Permissions.Select(p => new Claim(EngagementAuthentication.PermissionClaim, p)),
            .. (user.Bots ?? []).Select(b => new Claim(EngagementAuthentication.BotClaim, b)),
        ]);
    }

    protected override string UnauthorizedBody(string? reason) => RocketChatJson.SerializeUnauthorized();
}

internal sealed class StatisticsBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : EngagementHandler(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || header.Length <= 7)
        {
            return AuthenticateResult.NoResult();
        }

        if (Settings.StatisticsAuthenticator is not { } authenticate || await authenticate(header[7..].Trim(), Context.RequestAborted) is not { } caller)
        {
            return AuthenticateResult.Fail("unknown token");
        }

        List<Claim> claims = [new(EngagementAuthentication.AccountClaim, caller.AccountId)];
        if (caller.BotId is { } bot)
        {
            claims.Add(new Claim(EngagementAuthentication.TokenBotClaim, bot));
        }

        return EngagementAuthentication.Success(Scheme.Name, claims);
    }

    protected override string UnauthorizedBody(string? reason) => StatisticsJson.SerializeError("A valid Bearer token is required.");
}

internal sealed class IngestKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : EngagementHandler(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers["X-Api-Key"].ToString();
        if (key.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(Settings.IngestApiKeys.Any(k => EngagementAuthentication.FixedTimeEquals(k, key))
            ? EngagementAuthentication.Success(Scheme.Name, [new Claim(ClaimTypes.NameIdentifier, "ingest")])
            : AuthenticateResult.Fail("unknown key"));
    }

    protected override string UnauthorizedBody(string? reason) => IngestJson.SerializeError("A valid X-Api-Key header is required.");
}
