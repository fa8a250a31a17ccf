using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EngagementMetrics.Cli;

/// <summary>
/// <c>engagement serve</c>: every route of EngagementMetrics.AspNetCore on a store (SQLite file by default), with keys
/// and secrets from configuration (appsettings.json next to the working directory, then environment variables
/// <c>EngagementMetrics__Endpoints__...</c>).
/// </summary>
/// <remarks>
/// <para><b>Stopping.</b> The host's lifetime owns SIGTERM, SIGINT (Ctrl+C) and SIGQUIT: the server stops accepting
/// connections, lets in-flight requests finish for up to <see cref="ShutdownTimeout"/>, and the process exits 0, so a
/// service manager (systemd, Kubernetes) stops it cleanly.</para>
/// <para><b>Logging.</b> One line per request (method, path, status, elapsed) at Information from category
/// <see cref="RequestLogCategory"/>, to standard output; warnings and errors to standard error. <c>--log-level</c> sets
/// the least level; <c>Logging:LogLevel</c> in appsettings.json or the environment sets it per category.</para>
/// </remarks>
internal static class Serve
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var storeSpec = new Option<string?>("--store") { Description = "sqlite:PATH (default sqlite:engagement.db) or postgres:CONNECTION_STRING." };
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var demoData = new Option<bool>("--demo-data") { Description = "Store the demo bot's history and print a curl line that works as is." };
        var dashboard = new Option<bool>("--dashboard") { Description = "Also host the engagement dashboard at /dashboard/ and print its URL. Users sign in with HTTP Basic (EngagementMetrics:Dashboard:Users; HTTPS or loopback only); with --demo-data on a loopback address it is open." };
        var logLevel = new Option<string?>("--log-level") { Description = "Least level logged: trace, debug, information (default: one line per request), warning, error, critical or none. Logging:LogLevel in appsettings.json sets it per category." };
        var command = new Command("serve", "Hosts every EngagementMetrics HTTP route (Kore.ai, Rocket.Chat, statistics, ingest) and /healthz. SIGTERM or Ctrl+C stops it after in-flight requests finish.") { storeSpec, urls, demoData, dashboard, logLevel };
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, () =>
            Serve.RunAsync(
                new ServeSettings(parse.GetValue(storeSpec), parse.GetValue(urls)!, parse.GetValue(demoData), Serve.ParseLogLevel(parse.GetValue(logLevel))) { Dashboard = parse.GetValue(dashboard) },
                stdout,
                cancellationToken)));
        return command;
    }

    public const string Section = "EngagementMetrics:Endpoints";

    /// <summary>The SQL store's query cache capacity in bytes (default 64 MiB, 0 off); one-shot commands keep no cache.</summary>
    public const string QueryCacheKey = "EngagementMetrics:Store:QueryCacheBytes";

    /// <summary>The category of the per-request log lines.</summary>
    public const string RequestLogCategory = "EngagementMetrics.Requests";

    /// <summary>How long in-flight requests may take to finish once a stop signal arrived.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(4);

    public static LogLevel ParseLogLevel(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "information" or "info" => LogLevel.Information,
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => throw new EngagementValidationException("--log-level", text, $"invalid --log-level '{text}': expected trace, debug, information, warning, error, critical or none"),
    };

    public static async Task<int> RunAsync(ServeSettings settings, TextWriter stdout, CancellationToken cancellationToken)
    {
        var (storeSpec, urls, demoData, logLevel) = settings;
        var spec = storeSpec ?? "sqlite:engagement.db";
        WebApplicationBuilder builder;
        try
        {
            builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
            builder.Configuration.AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables();
        }
        catch (InvalidDataException ex)
        {
            throw ConfigurationFileError(ex);
        }

        // Bind the settings before anything is opened, so a value of the wrong type is one line and no file is created.
        var section = builder.Configuration.GetSection(Section);
        ServeCredentials credentials;
        long queryCacheBytes;
        try
        {
            _ = section.Get<EngagementEndpointOptions>();
            _ = section.GetSection("Throttle").Get<StatisticsThrottleOptions>();
            credentials = section.Get<ServeCredentials>() ?? new ServeCredentials();
            queryCacheBytes = builder.Configuration.GetValue<long?>(QueryCacheKey) ?? SqliteStoreOptions.DefaultQueryCacheBytes;
        }
        catch (InvalidOperationException ex)
        {
            throw new EngagementValidationException(Section, null, $"invalid settings: {ex.Message}");
        }

        if (queryCacheBytes < 0)
        {
            var value = queryCacheBytes.ToString(CultureInfo.InvariantCulture);
            throw new EngagementValidationException(QueryCacheKey, value, $"invalid settings: {QueryCacheKey} {value} is negative: give 0 to turn the query cache off");
        }

        var dashboardPlan = settings.Dashboard ? ServeDashboard.Decide(builder.Configuration, urls, demoData) : null;

        // The store logs its schema (created, migrated, refused) as the server will, from before the host is built.
        using var storeLogging = LoggerFactory.Create(logging => ConfigureLogging(logging, logLevel));
        await using var target = await StoreSpec.OpenAsync(spec, readOnly: false, cancellationToken, storeLogging, queryCacheBytes);
        ConfigureLogging(builder.Logging, logLevel);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseUrls(urls);
        builder.Services.AddEngagementMetrics().UseStore(_ => target.Store);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("engagement-store", _ => HealthCheckOf(target.Store), HealthStatus.Unhealthy, ["engagement", "store"]));
        builder.Services.AddAuthentication().AddEngagementMetricsSchemes();
        builder.Services.AddEngagementMetricsOpenApi();
        if (dashboardPlan is not null)
        {
            ServeDashboard.AddServices(builder.Services, dashboardPlan, demoData);
        }

        // The section binds straight onto the package options (every documented setting); serve adds only the
        // Rocket.Chat users and statistics tokens it checks itself, and with --demo-data a throw-away app and key.
        builder.Services.Configure<EngagementEndpointOptions>(section);
        builder.Services.Configure<StatisticsThrottleOptions>(section.GetSection("Throttle"));
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

        // The request log first, so it sees the answers authentication and authorization give (401, 403) too; named
        // here, they are not added again ahead of it.
        app.Use(LogRequests(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogCategory)));
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapEngagementMetrics();
        app.MapOpenApi();
        if (dashboardPlan is not null)
        {
            ServeDashboard.Map(app, dashboardPlan);
        }

        if (demoData)
        {
            var result = await target.Store.AppendAsync(Demo.Generate(2025), AppendMode.Lenient, cancellationToken);
            await stdout.WriteLineAsync($"demo data: {result.Stored} events stored, {result.Duplicates} already there (bot {Demo.BotId}, {Demo.Zone})");
        }

        await app.StartAsync(cancellationToken);
        var address = app.Urls.FirstOrDefault() ?? urls;
        await stdout.WriteLineAsync($"engagement serve: {target.Description} on {string.Join(", ", app.Urls)} (Ctrl+C or SIGTERM stops)");
        await stdout.WriteLineAsync($"  health: curl {address}/healthz");
        if (dashboardPlan is not null)
        {
            await stdout.WriteLineAsync($"  dashboard: {address}{ServeDashboard.Path}/{(dashboardPlan.Open ? " (open: demo data on loopback)" : " (sign in as a user of EngagementMetrics:Dashboard:Users)")}");
        }

        var token = demoToken ?? "<JWT signed with your app's client secret>";
        await stdout.WriteLineAsync(
            $"  try:    curl -X POST '{address}/api/public/bot/{Demo.BotId}/v2/userEngagementTrend?aggregation_type=daily&start_date={Demo.Start:yyyy-MM-dd}&end_date={Demo.End:yyyy-MM-dd}&timeZoneOffset={Demo.Zone}' -H 'auth: {token}'");
        await stdout.WriteLineAsync(
            $"          curl '{address}/api/engagement/bot/{Demo.BotId}/lifecycle?start_date={Demo.Start:yyyy-MM-dd}&end_date={Demo.End:yyyy-MM-dd}&timeZoneOffset={Demo.Zone}' -H 'auth: {token}' -H 'Accept: text/csv'");
        await stdout.FlushAsync(cancellationToken);

        // Returns when the host's lifetime is told to stop (a signal) or the command line's token is cancelled, after
        // the host has stopped: in-flight requests have finished or ShutdownTimeout has passed.
        await app.WaitForShutdownAsync(cancellationToken);
        await stdout.WriteLineAsync("engagement serve: stopped");
        return EngagementCli.Ok;
    }

    // appsettings.json that does not parse, named with its line and byte (1-based) in the CLI's words.
    private static EngagementValidationException ConfigurationFileError(InvalidDataException ex)
    {
        var file = Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json");
        var where = ex.InnerException?.InnerException is JsonException { LineNumber: { } line, BytePositionInLine: { } position }
            ? $" (line {line + 1}, byte {position + 1})"
            : string.Empty;
        var what = ex.InnerException is FormatException { InnerException: JsonException } ? "is not valid JSON" : $"cannot be read: {ex.InnerException?.Message ?? ex.Message}";
        return new EngagementValidationException("appsettings.json", file, $"invalid settings: {file} {what}{where}");
    }

    private static IHealthCheck HealthCheckOf(IInteractionStore store) => store switch
    {
        SqliteInteractionStore sqlite => new SqliteStoreHealthCheck(sqlite),
        PostgreSqlInteractionStore postgres => new PostgreSqlStoreHealthCheck(postgres),
        _ => throw new InvalidOperationException($"serve has no health check for {store.GetType().Name}"),
    };

    // {"status":"Healthy","checks":[{"name":"engagement-store","status":"Healthy","store":"SQLite file 'x.db'","description":"...: schema version 3"}]}
    // with 200, or 503 when a check is unhealthy (the MapHealthChecks default).
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new HealthDocument(
            report.Status.ToString(),
            [.. report.Entries.Select(e => new HealthEntry(e.Key, e.Value.Status.ToString(), e.Value.Data.TryGetValue("store", out var store) ? store as string : null, e.Value.Description))]);
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, ServeJson.Relaxed.HealthDocument), context.RequestAborted);
    }

    // Console logging for a service: single lines with a UTC timestamp, request lines on stdout, warnings and errors on
    // stderr. The command line's level is the default; configuration (Logging:LogLevel) still overrides per category.
    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Warning);
        logging.SetMinimumLevel(level);

        // The framework's own information lines (hosting started, content root) say nothing the banner does not.
        logging.AddFilter("Microsoft", level < LogLevel.Warning ? LogLevel.Warning : level);
        logging.AddFilter(RequestLogCategory, level);
    }

    // One line per request, written when the response is complete (so the status is the one sent). Requests the
    // server could not answer (an exception) are logged by the framework at Error on stderr, and here with status 500.
    private static Func<HttpContext, RequestDelegate, Task> LogRequests(ILogger logger) => async (context, next) =>
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            await next(context);
            return;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            RequestLog(logger, context.Request.Method, context.Request.Path.Value ?? "/", status, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
    };

    private static readonly Action<ILogger, string, string, int, double, Exception?> RequestLog =
        LoggerMessage.Define<string, string, int, double>(LogLevel.Information, new EventId(1, "Request"), "{Method} {Path} {StatusCode} {ElapsedMilliseconds:0.0} ms");

    private static string DemoJwt(string appId, string secret)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = B64(Encoding.UTF8.GetBytes($$"""{"appId":"{{appId}}","sub":"demo","exp":{{DateTimeOffset.UtcNow.AddHours(12).ToUnixTimeSeconds()}}}"""));
        var signature = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }
}

/// <summary>The <c>/healthz</c> body: the overall status and each check's.</summary>
internal sealed record HealthDocument(string Status, IReadOnlyList<HealthEntry> Checks);

/// <summary>One check of <see cref="HealthDocument"/>: its name, status, the store it checked and what it found.</summary>
internal sealed record HealthEntry(string Name, string Status, string? Store, string? Description);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthDocument))]
internal sealed partial class ServeJson : JsonSerializerContext
{
    // Store names as they are written ("SQLite file 'x.db'", not "\u0027x.db\u0027"): a JSON response, never HTML.
    public static ServeJson Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

/// <summary>What <c>engagement serve</c> was asked for on its command line.</summary>
internal sealed record ServeSettings(string? StoreSpec, string Urls, bool DemoData, LogLevel LogLevel)
{
    /// <summary>Also host the dashboard (<c>--dashboard</c>).</summary>
    public bool Dashboard { get; init; }
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
