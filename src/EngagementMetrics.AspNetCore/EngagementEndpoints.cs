using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Engine;
using EngagementMetrics.Events;
using EngagementMetrics.Json;
using EngagementMetrics.Queries;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the documented EngagementMetrics HTTP APIs onto an ASP.NET Core app.</summary>
public static class EngagementEndpoints
{
    /// <summary>The permission a Rocket.Chat user needs for the engagement dashboard.</summary>
    public const string DashboardPermission = "view-engagement-dashboard";

    private static readonly TrendAggregation[] KoreAggregations = [TrendAggregation.Hourly, TrendAggregation.Daily];

    /// <summary>Maps every route group (Kore.ai trends, Rocket.Chat chat busier, statistics, ingest) under <see cref="EngagementEndpointOptions.RoutePrefix"/>.</summary>
    public static IEndpointRouteBuilder MapEngagementMetrics(this IEndpointRouteBuilder app)
    {
        app.MapKoreTrendEndpoints();
        app.MapRocketChatEndpoints();
        app.MapStatisticsEndpoints();
        app.MapIngestEndpoints();
        return app;
    }

    /// <summary>Kore.ai <c>POST /api/public/bot/{botId}/userEngagementTrend</c> (v1) and <c>.../{streamId}/v2/userEngagementTrend</c> (v2).</summary>
    public static RouteGroupBuilder MapKoreTrendEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, o => o.KoreSchemes);
        group.MapPost("/api/public/bot/{botId}/userEngagementTrend", (HttpContext context, string botId) => KoreTrendAsync(context, botId, version: 1));
        group.MapPost("/api/public/bot/{streamId}/v2/userEngagementTrend", (HttpContext context, string streamId) => KoreTrendAsync(context, streamId, version: 2));
        return group;
    }

    /// <summary>Rocket.Chat <c>GET /api/v1/engagement-dashboard/users/chat-busier/hourly-data</c> and <c>.../weekly-data</c>.</summary>
    public static RouteGroupBuilder MapRocketChatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, o => o.RocketChatSchemes);
        group.MapGet("/api/v1/engagement-dashboard/users/chat-busier/hourly-data", (Func<HttpContext, Task<IResult>>)(context => ChatBusierAsync(context, hourly: true)));
        group.MapGet("/api/v1/engagement-dashboard/users/chat-busier/weekly-data", (Func<HttpContext, Task<IResult>>)(context => ChatBusierAsync(context, hourly: false)));
        return group;
    }

    /// <summary>Xenioo-style <c>GET /analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days}</c> and <c>/analytics/statistics/{types}/{groupMode}/{days}</c>.</summary>
    public static RouteGroupBuilder MapStatisticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, o => o.StatisticsSchemes);
        group.MapGet("/analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days}", (HttpContext context, string apiKey, string types, string groupMode, string days) =>
            StatisticsAsync(context, apiKey, types, groupMode, days, StatisticsScope.Account));
        group.MapGet("/analytics/statistics/{types}/{groupMode}/{days}", (HttpContext context, string types, string groupMode, string days) =>
            StatisticsAsync(context, null, types, groupMode, days, StatisticsScope.Bot));
        return group;
    }

    /// <summary><c>POST /api/engagement/events</c>: a JSON array or <c>application/x-ndjson</c> body; <c>?mode=strict|lenient</c>.</summary>
    public static RouteGroupBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, o => o.IngestSchemes);
        group.MapPost("/api/engagement/events", (Func<HttpContext, Task<IResult>>)IngestAsync);
        return group;
    }

    // A family's routes under the prefix, open only to an authenticated user of the family's schemes.
    private static RouteGroupBuilder Group(IEndpointRouteBuilder app, Func<EngagementEndpointOptions, string> schemes)
    {
        if (app.ServiceProvider.GetService<IAuthenticationSchemeProvider>() is null)
        {
            throw new InvalidOperationException(
                "The EngagementMetrics routes need authentication: call services.AddAuthentication().AddEngagementMetricsSchemes() (the documented header conventions), or register your own schemes and name them in EngagementEndpointOptions.");
        }

        var options = app.ServiceProvider.GetRequiredService<IOptions<EngagementEndpointOptions>>().Value;
        var prefix = options.RoutePrefix;
        var group = app.MapGroup(string.IsNullOrEmpty(prefix) ? string.Empty : "/" + prefix.Trim('/'));
        group.RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = schemes(options) });
        return group;
    }

    private static EngagementEndpointOptions Options(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<EngagementEndpointOptions>>().Value;

    // ---- Kore.ai ----

    private static async Task<IResult> KoreTrendAsync(HttpContext context, string botId, int version)
    {
        var granted = context.User.FindAll(EngagementAuthentication.BotClaim).Select(c => c.Value).ToList();
        if (!granted.Contains("*") && !granted.Contains(botId))
        {
            return KoreError(403, $"The app is not allowed to read bot '{botId}'");
        }

        try
        {
            var filters = await ReadFiltersAsync(context);
            string? Param(string name) => context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : filters.GetValueOrDefault(name);
            var query = new TrendQuery
            {
                BotId = botId,
                StartDate = EngagementParameters.ParseDate(Param("start_date"), "start_date"),
                EndDate = EngagementParameters.ParseDate(Param("end_date"), "end_date"),
                Aggregation = EngagementParameters.ParseAggregation(Param("aggregation_type"), "aggregation_type", KoreAggregations),
                Channels = EngagementParameters.ParseChannels(Param("channels") ?? Param("channel"), "channels"),
                TimeZone = version == 2 ? EngagementParameters.ParseTimeZone(Param("timeZoneOffset"), "timeZoneOffset") : TimeZoneInfo.Utc,
                ConversationType = version == 2 ? EngagementParameters.ParseConversationType(Param("conversationType"), "conversationType") : ConversationTypeFilter.All,
                ConversationStatus = version == 2 ? EngagementParameters.ParseConversationStatus(Param("conversationStatus"), "conversationStatus") : ConversationStatusFilter.All,
            };
            var trend = await context.RequestServices.GetRequiredService<EngagementEngine>().GetTrendAsync(query, context.RequestAborted);
            return Json(200, version == 2 ? KoreTrendJson.SerializeV2(trend, indented: false) : KoreTrendJson.SerializeV1(trend, indented: false));
        }
        catch (EngagementValidationException ex)
        {
            return KoreError(400, ex.Message);
        }
        catch (BotNotFoundException)
        {
            return KoreError(404, $"Bot '{botId}' was not found");
        }
    }

    // The same parameter names inside a JSON body's "filters" object (the query string wins).
    private static async Task<Dictionary<string, string>> ReadFiltersAsync(HttpContext context)
    {
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Request.ContentLength is 0 || !(context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return filters;
        }

        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("filters", out var f) && f.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in f.EnumerateObject())
                {
                    filters[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(v => v.ToString())),
                        _ => property.Value.GetRawText(),
                    };
                }
            }
        }
        catch (JsonException)
        {
            throw new EngagementValidationException("filters", null, "the request body is not valid JSON");
        }

        return filters;
    }

    private static IResult KoreError(int status, string message) => Json(status, KoreErrorBody(status, message));

    internal static string KoreErrorBody(int status, string message) =>
        JsonSerializer.Serialize(new KoreErrors([new KoreErrorItem(message, status)]), EndpointJson.Context.KoreErrors);

    // ---- Rocket.Chat ----

    private static async Task<IResult> ChatBusierAsync(HttpContext context, bool hourly)
    {
        var options = Options(context);
        if (!context.User.HasClaim(EngagementAuthentication.PermissionClaim, DashboardPermission))
        {
            return Json(403, RocketChatJson.SerializeError("User does not have the permissions required for this action [error-unauthorized]"));
        }

        try
        {
            var start = ChatBusierParameters.ParseStart(context.Request.Query["start"].FirstOrDefault());
            var zone = context.Request.Query.TryGetValue("timeZone", out var z) ? TimeZoneParser.Parse(z.ToString(), "timeZone") : TimeZoneInfo.Utc;
            var bot = context.Request.Query["botId"].FirstOrDefault() is { Length: > 0 } named ? named : options.RocketChatBotId;
            if (string.IsNullOrEmpty(bot))
            {
                return Json(400, RocketChatJson.SerializeError("No bot is configured for the engagement dashboard (RocketChatBotId) and no botId was given"));
            }

            var allowed = context.User.FindAll(EngagementAuthentication.BotClaim).Select(c => c.Value).ToList();
            if (allowed.Count > 0 && !allowed.Contains(bot))
            {
                return Json(403, RocketChatJson.SerializeError("User does not have the permissions required for this action [error-unauthorized]"));
            }

            var engine = context.RequestServices.GetRequiredService<EngagementEngine>();
            return Json(200, hourly
                ? RocketChatJson.SerializeHourly(await engine.GetChatBusierHourlyAsync(bot, start, zone, context.RequestAborted), indented: false)
                : RocketChatJson.SerializeWeekly(await engine.GetChatBusierWeeklyAsync(bot, start, zone, context.RequestAborted), indented: false));
        }
        catch (EngagementValidationException ex)
        {
            return Json(400, RocketChatJson.SerializeError(ex.Message));
        }
    }

    // ---- Statistics ----

    private static async Task<IResult> StatisticsAsync(HttpContext context, string? apiKey, string types, string groupMode, string days, StatisticsScope scope)
    {
        var options = Options(context);
        if (context.User.FindFirst(EngagementAuthentication.AccountClaim)?.Value is not { Length: > 0 } account)
        {
            return StatisticsError(403, "The token names no account.");
        }

        var tokenBot = context.User.FindFirst(EngagementAuthentication.TokenBotClaim)?.Value;
        if (scope == StatisticsScope.Bot && tokenBot is null)
        {
            return StatisticsError(403, "This endpoint needs a bot token.");
        }

        if (scope == StatisticsScope.Account && tokenBot is not null)
        {
            return StatisticsError(403, "This endpoint needs an account token.");
        }

        try
        {
            var query = new StatisticsQuery
            {
                AccountId = account,
                Bot = scope == StatisticsScope.Bot ? tokenBot! : apiKey!,
                Types = StatisticsParameters.ParseTypes(types, scope),
                GroupMode = StatisticsParameters.ParseGroupMode(groupMode),
                Days = StatisticsParameters.ParseDays(days),
                TimeZone = context.Request.Query.TryGetValue("timeZone", out var z) ? TimeZoneParser.Parse(z.ToString(), "timeZone") : TimeZoneInfo.Utc,
                Scope = scope,
            };
            var engine = context.RequestServices.GetRequiredService<StatisticsEngine>();
            var throttle = context.RequestServices.GetRequiredService<CallThrottle>();
            var result = await engine.GetThrottledStatisticsAsync(query, throttle, options.Throttle, context.RequestAborted);
            return Json(200, StatisticsJson.Serialize(result, indented: false));
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

    private static IResult StatisticsError(int status, string message) => Json(status, StatisticsErrorBody(message));

    internal static string StatisticsErrorBody(string message) =>
        JsonSerializer.Serialize(new StatisticsErrorBody(message), EndpointJson.Context.StatisticsErrorBody);

    // ---- Ingest ----

    private static async Task<IResult> IngestAsync(HttpContext context)
    {
        var options = Options(context);
        if (context.Request.ContentLength > options.MaxIngestBytes)
        {
            return Json(413, $$"""{"error":"The body is larger than {{options.MaxIngestBytes}} bytes."}""");
        }

        var mode = context.Request.Query["mode"].FirstOrDefault()?.ToLowerInvariant() switch
        {
            null or "" or "strict" => AppendMode.Strict,
            "lenient" => AppendMode.Lenient,
            _ => (AppendMode?)null,
        };
        if (mode is null)
        {
            return Json(400, $$"""{"error":"invalid mode '{{JsonEncodedText.Encode(context.Request.Query["mode"].ToString())}}': expected strict or lenient"}""");
        }

        // The body is read as a stream, batch by batch, by the same strict reader as files: never copied whole, never
        // decoded to a string. Past MaxIngestBytes the read stops and the answer is 413, whatever was parsed.
        var contentType = context.Request.ContentType ?? string.Empty;
        var ndjson = contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase) || contentType.Contains("jsonl", StringComparison.OrdinalIgnoreCase);
        // One request is one batch: one transaction of the store, its rejections named by line or index.
        var body = new LimitedReadStream(context.Request.Body, options.MaxIngestBytes);
        EventReadResult batch;
        await using (var reader = new EventStreamReader(body, new EventReaderOptions { Format = ndjson ? EventFormat.JsonLines : EventFormat.JsonArray, BatchSize = 1_000_000 }, leaveOpen: true))
        {
            batch = await reader.ReadBatchAsync(context.RequestAborted) ?? EventJsonReader.ReadJsonLines(string.Empty);
            if (!body.Exceeded && await reader.ReadBatchAsync(context.RequestAborted) is not null)
            {
                return Json(413, $$"""{"error":"The body holds more than 1000000 events."}""");
            }
        }

        if (body.Exceeded)
        {
            return Json(413, $$"""{"error":"The body is larger than {{options.MaxIngestBytes}} bytes."}""");
        }

        // A JSON array's records are named by index, JSON Lines records by line number.
        IngestRejection Rejection(EventError e) => ndjson ? new(null, e.LineNumber, e.Field, e.Message) : new(e.Index, null, e.Field, e.Message);
        var store = context.RequestServices.GetRequiredService<IInteractionStore>();
        try
        {
            var result = await store.AppendAsync(batch, mode.Value, context.RequestAborted);
            return Json(200, JsonSerializer.Serialize(new IngestResponse(result.Stored, result.Duplicates, [.. result.Rejected.Select(Rejection)]), EndpointJson.Context.IngestResponse));
        }
        catch (EventBatchRejectedException ex)
        {
            return Json(400, JsonSerializer.Serialize(new IngestResponse(0, 0, [.. ex.Errors.Select(Rejection)]), EndpointJson.Context.IngestResponse));
        }
    }

    private static IResult Json(int status, string json) => Results.Text(json, "application/json", Encoding.UTF8, status);
}

internal sealed record KoreErrors([property: JsonPropertyName("errors")] IReadOnlyList<KoreErrorItem> Errors);

internal sealed record KoreErrorItem([property: JsonPropertyName("msg")] string Msg, [property: JsonPropertyName("code")] int Code);

internal sealed record StatisticsErrorBody([property: JsonPropertyName("error")] string Error);

internal sealed record IngestRejection(
    [property: JsonPropertyName("index")] int? Index,
    [property: JsonPropertyName("line")] int? Line,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("message")] string Message);

internal sealed record IngestResponse(
    [property: JsonPropertyName("stored")] int Stored,
    [property: JsonPropertyName("duplicates")] int Duplicates,
    [property: JsonPropertyName("rejected")] IReadOnlyList<IngestRejection> Rejected);

internal static class EndpointJson
{
    // Bodies are written as the documented APIs write them ("bot 'x'", not "bot \u0027x\u0027"); they are JSON responses, never HTML.
    public static readonly EndpointJsonContext Context = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(KoreErrors))]
[JsonSerializable(typeof(StatisticsErrorBody))]
[JsonSerializable(typeof(IngestResponse))]
internal sealed partial class EndpointJsonContext : JsonSerializerContext;
