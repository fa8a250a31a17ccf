using EngagementMetrics.Statistics;

namespace EngagementMetrics.AspNetCore;

/// <summary>Settings of the routes mapped by <c>MapEngagementMetrics()</c>. Bind from configuration or set in code.</summary>
public sealed class EngagementEndpointOptions
{
    /// <summary>A prefix for every route, e.g. <c>/engagement</c> (default none).</summary>
    public string RoutePrefix { get; set; } = string.Empty;

    /// <summary>Largest accepted ingest body in bytes (413 beyond it). Default 10 MiB.</summary>
    public long MaxIngestBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Kore.ai apps allowed to call the trend routes: their JWT client secrets and the bots each may read.</summary>
    public List<KoreApp> KoreApps { get; set; } = [];

    /// <summary>Tolerance for the JWT <c>exp</c> and <c>nbf</c> checks. Default 30 seconds.</summary>
    public TimeSpan JwtClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The bot a Rocket.Chat workspace's dashboard reads unless a request names one with <c>botId</c>.</summary>
    public string? RocketChatBotId { get; set; }

    /// <summary>
    /// Checks Rocket.Chat's <c>X-User-Id</c> and <c>X-Auth-Token</c> headers: returns the user with their permissions, or
    /// null when the pair is not valid. Without it the Rocket.Chat routes answer 401.
    /// </summary>
    public Func<string, string, CancellationToken, ValueTask<RocketChatUser?>>? RocketChatAuthenticator { get; set; }

    /// <summary>
    /// Resolves a Xenioo <c>Authorization: Bearer</c> token to its account (account token) or account and bot (bot
    /// token), or null when unknown. Without it the statistics routes answer 401.
    /// </summary>
    public Func<string, CancellationToken, ValueTask<StatisticsCaller?>>? StatisticsAuthenticator { get; set; }

    /// <summary>Keys accepted in the <c>X-Api-Key</c> header of the ingest route. Without any, ingest answers 401.</summary>
    public List<string> IngestApiKeys { get; set; } = [];

    /// <summary>Authentication scheme(s) of the Kore.ai routes and of the lifecycle and retention routes, which are authorised like them (comma-separated). Default the built-in <see cref="EngagementAuthentication.KoreScheme"/>.</summary>
    public string KoreSchemes { get; set; } = EngagementAuthentication.KoreScheme;

    /// <summary>Authentication scheme(s) of the Rocket.Chat routes. Default <see cref="EngagementAuthentication.RocketChatScheme"/>.</summary>
    public string RocketChatSchemes { get; set; } = EngagementAuthentication.RocketChatScheme;

    /// <summary>Authentication scheme(s) of the statistics routes. Default <see cref="EngagementAuthentication.StatisticsScheme"/>.</summary>
    public string StatisticsSchemes { get; set; } = EngagementAuthentication.StatisticsScheme;

    /// <summary>Authentication scheme(s) of the ingest route. Default <see cref="EngagementAuthentication.IngestScheme"/>.</summary>
    public string IngestSchemes { get; set; } = EngagementAuthentication.IngestScheme;
}
