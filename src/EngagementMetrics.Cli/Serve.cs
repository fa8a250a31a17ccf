using System.Security.Cryptography;
using System.Text;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EngagementMetrics.Cli;

/// <summary>
/// <c>engagement serve</c>: every route of EngagementMetrics.AspNetCore on a store (SQLite file by default), with keys
/// and secrets from configuration (appsettings.json next to the working directory, then environment variables
/// <c>EngagementMetrics__Endpoints__...</c>).
/// </summary>
internal static class Serve
{
    public const string Section = "EngagementMetrics:Endpoints";

    public static async Task<int> RunAsync(string? storeSpec, string urls, bool demoData, TextWriter stdout, CancellationToken cancellationToken)
    {
        var spec = storeSpec ?? "sqlite:engagement.db";
        await using var target = await StoreSpec.OpenAsync(spec, readOnly: false, cancellationToken);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(urls);
        builder.Services.AddEngagementMetrics().UseStore(_ => target.Store);
        builder.Services.AddAuthentication().AddEngagementMetricsSchemes();

        // The section binds straight onto the package options (every documented setting); serve adds only the
        // Rocket.Chat users and statistics tokens it checks itself, and with --demo-data a throw-away app and key.
        var section = builder.Configuration.GetSection(Section);
        var credentials = section.Get<ServeCredentials>() ?? new ServeCredentials();
        builder.Services.Configure<EngagementEndpointOptions>(section);
        string? demoToken = null;
        KoreApp? demoApp = null;
        if (demoData && !section.GetSection(nameof(EngagementEndpointOptions.KoreApps)).GetChildren().Any())
        {
            var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            demoApp = new KoreApp { AppId = "demo-app", ClientSecret = secret, Bots = ["*"] };
            demoToken = DemoJwt(demoApp.AppId, secret);
        }

        builder.Services.PostConfigure<EngagementEndpointOptions>(o =>
        {
            if (demoApp is not null)
            {
                o.KoreApps.Add(demoApp);
            }

            if (demoData)
            {
                o.RocketChatBotId ??= Demo.BotId;
                if (o.IngestApiKeys.Count == 0)
                {
                    o.IngestApiKeys.Add("demo-ingest-key");
                }
            }

            o.RocketChatAuthenticator = (user, token, _) => ValueTask.FromResult(
                credentials.RocketChatUsers.FirstOrDefault(u => u.UserId == user && EngagementAuthentication.FixedTimeEquals(u.Token, token)) is { } found
                    ? new RocketChatUser(found.UserId, found.Permissions, found.Bots)
                    : null);
            o.StatisticsAuthenticator = (token, _) => ValueTask.FromResult(
                credentials.StatisticsTokens.FirstOrDefault(t => EngagementAuthentication.FixedTimeEquals(t.Token, token)) is { } found
                    ? new StatisticsCaller(found.AccountId, found.BotId)
                    : null);
        });

        await using var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapEngagementMetrics();

        if (demoData)
        {
            var result = await target.Store.AppendAsync(Demo.Generate(2025), AppendMode.Lenient, cancellationToken);
            await stdout.WriteLineAsync($"demo data: {result.Stored} events stored, {result.Duplicates} already there (bot {Demo.BotId}, {Demo.Zone})");
        }

        await app.StartAsync(cancellationToken);
        var address = app.Urls.FirstOrDefault() ?? urls;
        await stdout.WriteLineAsync($"engagement serve: {target.Description} on {string.Join(", ", app.Urls)} (Ctrl+C stops)");
        await stdout.WriteLineAsync($"  health: curl {address}/healthz");
        var token = demoToken ?? "<JWT signed with your app's client secret>";
        await stdout.WriteLineAsync(
            $"  try:    curl -X POST '{address}/api/public/bot/{Demo.BotId}/v2/userEngagementTrend?aggregation_type=daily&start_date={Demo.Start:yyyy-MM-dd}&end_date={Demo.End:yyyy-MM-dd}&timeZoneOffset={Demo.Zone}' -H 'auth: {token}'");
        await stdout.FlushAsync(cancellationToken);

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        return EngagementCli.Ok;
    }

    private static string DemoJwt(string appId, string secret)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = B64(Encoding.UTF8.GetBytes($$"""{"appId":"{{appId}}","sub":"demo","exp":{{DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds()}}}"""));
        var signature = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }
}

/// <summary>
/// The credentials <c>serve</c> checks itself, read from section <c>EngagementMetrics:Endpoints</c> beside the
/// package's own settings (<see cref="EngagementEndpointOptions"/>).
/// </summary>
internal sealed class ServeCredentials
{
    public List<RocketChatUserSetting> RocketChatUsers { get; set; } = [];

    public List<StatisticsTokenSetting> StatisticsTokens { get; set; } = [];
}

/// <summary>A Rocket.Chat user the server accepts (X-User-Id, X-Auth-Token) and their permissions.</summary>
internal sealed class RocketChatUserSetting
{
    public string UserId { get; set; } = string.Empty;

    public string Token { get; set; } = string.Empty;

    public List<string> Permissions { get; set; } = [];

    /// <summary>Bots whose dashboard the user may read; null (absent) for any.</summary>
    public List<string>? Bots { get; set; }
}

/// <summary>A statistics bearer token: an account token (no bot) or a bot token.</summary>
internal sealed class StatisticsTokenSetting
{
    public string Token { get; set; } = string.Empty;

    public string AccountId { get; set; } = string.Empty;

    public string? BotId { get; set; }
}
