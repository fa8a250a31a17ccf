using System.Security.Claims;
using System.Text.Json;
using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Engine;
using EngagementMetrics.Json;
using EngagementMetrics.Queries;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

public static partial class EngagementEndpoints
{
    /// <summary>Kore.ai <c>POST /api/public/bot/{botId}/userEngagementTrend</c> (v1) and <c>.../{streamId}/v2/userEngagementTrend</c> (v2).</summary>
    public static RouteGroupBuilder MapKoreTrendEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, o => o.KoreSchemes);
        group.MapPost("/api/public/bot/{botId}/userEngagementTrend", (HttpContext context, string botId, EngagementEngine engine) => KoreTrendAsync(context, engine, botId, version: 1));
        group.MapPost("/api/public/bot/{streamId}/v2/userEngagementTrend", (HttpContext context, string streamId, EngagementEngine engine) => KoreTrendAsync(context, engine, streamId, version: 2));
        return group;
    }

    private static async Task<IResult> KoreTrendAsync(HttpContext context, EngagementEngine engine, string botId, int version)
    {
        if (!MayRead(context.User, botId))
        {
            return KoreError(403, $"The app is not allowed to read bot '{botId}'");
        }

        TrendQuery query;
        try
        {
            // Parameters come from the query string, or the same names inside a JSON body's "filters" object (the
            // query string wins); "channel" is accepted for "channels".
            var filters = await ReadFiltersAsync(context);
            string? Param(string name) => context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : filters.GetValueOrDefault(name);
            query = TrendQueryBinder.Bind(botId, name => name == TrendParameterNames.Kore.Channels ? Param(name) ?? Param("channel") : Param(name), TrendParameterNames.Kore, zoneAndFilters: version == 2);
        }
        catch (EngagementValidationException ex)
        {
            return KoreError(400, ex.Message);
        }

        try
        {
            var trend = await engine.GetTrendAsync(query, context.RequestAborted);
            return Json(200, version == 2 ? KoreTrendJson.SerializeV2(trend, indented: false) : KoreTrendJson.SerializeV1(trend, indented: false));
        }
        catch (EngagementValidationException ex)
        {
            return KoreError(400, TrendQueryBinder.InWireTerms(ex, query, TrendParameterNames.Kore).Message);
        }
        catch (BotNotFoundException)
        {
            return KoreError(404, $"Bot '{botId}' was not found");
        }
    }

    // The app's token names the bots it may read, or "*".
    private static bool MayRead(ClaimsPrincipal user, string botId)
    {
        var granted = user.FindAll(EngagementAuthentication.BotClaim).Select(c => c.Value).ToList();
        return granted.Contains("*") || granted.Contains(botId);
    }

    // The largest "filters" body read: far more than any filter set, small enough never to hold much in memory.
    private const int MaxFilterBodyBytes = 64 * 1024;

    // A JSON body's "filters" object. A request without a body is a request without filters, however it says so: no
    // Content-Length (curl -X POST -H 'content-type: application/json', as seed 000 is written), Content-Length: 0, an
    // empty chunked body, or only whitespace. A body that is not JSON content is ignored, as before.
    private static async Task<Dictionary<string, string>> ReadFiltersAsync(HttpContext context)
    {
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Request.ContentLength is 0 || !(context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return filters;
        }

        var limited = new LimitedReadStream(context.Request.Body, MaxFilterBodyBytes);
        using var body = new MemoryStream();
        await limited.CopyToAsync(body, context.RequestAborted);
        if (limited.Exceeded)
        {
            throw new EngagementValidationException("filters", null, $"the request body is larger than {MaxFilterBodyBytes} bytes");
        }

        var json = body.GetBuffer().AsMemory(0, (int)body.Length);
        if (json.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return filters;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("filters", out var f) && f.ValueKind == JsonValueKind.Object)
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

    private static IResult KoreError(int status, string message) => Json(status, KoreTrendJson.SerializeError(status, message));
}
