using System.Security.Claims;
using System.Text.Json;
using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Json;
using EngagementMetrics.Trends;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

public static partial class EngagementEndpoints
{
    /// <summary>Kore.ai <c>POST /api/public/bot/{botId}/userEngagementTrend</c> (v1) and <c>.../{streamId}/v2/userEngagementTrend</c> (v2).</summary>
    public static RouteGroupBuilder MapKoreTrendEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, ApiFamily.Kore, o => o.KoreSchemes);
        group.MapPost("/api/public/bot/{botId}/userEngagementTrend", (HttpContext context, string botId, EngagementEngine engine) => KoreTrendAsync(context, engine, botId, version: 1))
            .Describe(
                "KoreUserEngagementTrendV1",
                "Kore.ai User Engagement Trend (v1): unique users per day or hour, in UTC",
                "Parameters as query parameters, or the same names in a JSON body's \"filters\" object (the query string wins; \"channel\" is accepted for \"channels\"). One data point per day: {\"date\",\"users\"} when daily, {\"date\",\"0 - 1\",...,\"23 - 0\"} when hourly.",
                KoreOperation(version: 1))
            .Answers<KoreV1Response<KoreHourlyPoint>>(200, "The v1 document: hourly data points (aggregation_type Hourly or absent).")
            .Answers<KoreV1Response<KoreDailyPoint>>(200, "The v1 document: daily data points (aggregation_type Daily).")
            .AnswersCsv("With Accept: text/csv, the results as RFC 4180 CSV, one row per data point under its JSON field names: date,users (daily) or date,0 - 1,...,23 - 0 (hourly).")
            .KoreErrors();
        group.MapPost("/api/public/bot/{streamId}/v2/userEngagementTrend", (HttpContext context, string streamId, EngagementEngine engine) => KoreTrendAsync(context, engine, streamId, version: 2))
            .Describe(
                "KoreUserEngagementTrendV2",
                "Kore.ai User Engagement Trend (v2): unique, new and returning users per day or hour in a time zone",
                "Parameters as query parameters, or the same names in a JSON body's \"filters\" object (the query string wins; \"channel\" is accepted for \"channels\"). The summary, three series of one data point per local day, and the filters applied, echoed in lower case.",
                KoreOperation(version: 2))
            .Answers<KoreV2Response<KoreHourlyPoint>>(200, "The v2 document: hourly data points (aggregation_type hourly or absent).")
            .Answers<KoreV2Response<KoreDailyPoint>>(200, "The v2 document: daily data points (aggregation_type daily).")
            .AnswersCsv("With Accept: text/csv, the data points of the three series as RFC 4180 CSV, one row each (unique, then new, then returning users), trend naming the series (uniqueUsersTrend, newUsersTrend, returningUsersTrend): trend,date,users (daily) or trend,date,0 - 1,...,23 - 0 (hourly). The summary and filters are not rows.")
            .KoreErrors();
        return group;
    }

    private static RouteHandlerBuilder KoreErrors(this RouteHandlerBuilder route, string badRequest = "A parameter is missing or invalid (named with its value), or the body is not JSON.") => route
        .Answers<KoreErrorResponse>(400, badRequest)
        .Answers<KoreErrorResponse>(401, "No auth header, or a JWT that is not valid (signature, algorithm, expiry, unknown appId).")
        .Answers<KoreErrorResponse>(403, "The app may not read this bot.")
        .Answers<KoreErrorResponse>(404, "No such bot.");

    // The seeds' parameters: v1 (000) takes the dates, aggregation and channels and means UTC; v2 (001) adds the
    // conversation filters and the zone. Values match in any letter case ("Non Interactive", "non_interactive").
    private static ApiOperation KoreOperation(int version)
    {
        var names = TrendParameterNames.Kore;
        List<ApiParameter> parameters =
        [
            new(version == 1 ? "botId" : "streamId", ApiParameterPlace.Path, version == 1 ? "The bot id." : "The app (stream) id.") { Required = true, Example = "st-demo" },
            new(names.Aggregation, ApiParameterPlace.Query, $"hourly (default) or daily, in any letter case.") { Values = version == 1 ? ["Hourly", "Daily"] : ["hourly", "daily"], Default = version == 1 ? "Hourly" : "hourly" },
            .. KorePeriodParameters(names, zoneAndFilters: version == 2, required: false),
        ];
        return new ApiOperation(ApiFamily.Kore, parameters, ApiBody.KoreFilters);
    }

    // The period, channels and, with zoneAndFilters, the conversation filters and the zone, by the Kore.ai names: the
    // dates are required in the query string (required) or there or in the body's filters.
    private static IEnumerable<ApiParameter> KorePeriodParameters(TrendParameterNames names, bool zoneAndFilters, bool required)
    {
        var where = required ? "Required." : "Required here or in the body's filters.";
        yield return new(names.StartDate, ApiParameterPlace.Query, $"First local date (YYYY-MM-DD), inclusive. {where}") { Required = required, Format = "date", Example = "2025-12-01" };
        yield return new(names.EndDate, ApiParameterPlace.Query, $"Last local date (YYYY-MM-DD), inclusive; not before start_date, and the period at most 366 days. {where}") { Required = required, Format = "date", Example = "2025-12-05" };
        yield return new(names.Channels, ApiParameterPlace.Query, "Comma-separated channels (rtm, slack, msteams, ...), compared case-insensitively; empty or All for every channel.") { Default = "All", Example = "rtm,slack" };
        if (zoneAndFilters)
        {
            yield return new(names.ConversationType, ApiParameterPlace.Query, "Conversations with a user message or action (Interactive) or without (Non Interactive); any letter case, also NonInteractive or non_interactive.") { Values = ["All", "Interactive", "Non Interactive"], Default = "All" };
            yield return new(names.ConversationStatus, ApiParameterPlace.Query, "Conversations closed (Closed) or not (Active); any letter case.") { Values = ["All", "Active", "Closed"], Default = "All" };
            yield return ApiDescriptions.TimeZone(names.TimeZone);
        }
    }

    private static Task<IResult> KoreTrendAsync(HttpContext context, EngagementEngine engine, string botId, int version) => KoreAnswerAsync(
        context,
        botId,
        async () =>
        {
            // Parameters come from the query string, or the same names inside a JSON body's "filters" object (the
            // query string wins); "channel" is accepted for "channels".
            var filters = await ReadFiltersAsync(context);
            string? Param(string name) => context.Request.Query.TryGetValue(name, out var value) ? value.ToString() : filters.GetValueOrDefault(name);
            return TrendQueryBinder.Bind(botId, name => name == TrendParameterNames.Kore.Channels ? Param(name) ?? Param("channel") : Param(name), TrendParameterNames.Kore, zoneAndFilters: version == 2);
        },
        engine.GetTrendAsync,
        (error, query) => TrendQueryBinder.InWireTerms(error, query, TrendParameterNames.Kore),
        trend => version == 2 ? KoreTrendJson.SerializeV2(trend, indented: false) : KoreTrendJson.SerializeV1(trend, indented: false),
        trend => version == 2 ? EngagementCsv.KoreV2(trend) : EngagementCsv.KoreV1(trend));

    /// <summary>
    /// A question about one bot, asked the Kore.ai way: 403 unless the app may read the bot, 400 naming the parameter
    /// when <paramref name="bind"/> or the engine refuses a value, 404 for a bot without events, else the answer as
    /// JSON or, when asked for, CSV (<see cref="QueryAnswer"/>). Every error is the Kore.ai error document.
    /// </summary>
    private static async Task<IResult> KoreAnswerAsync<TQuery, TResult>(
        HttpContext context,
        string botId,
        Func<Task<TQuery>> bind,
        Func<TQuery, CancellationToken, ValueTask<TResult>> ask,
        Func<EngagementValidationException, TQuery, EngagementValidationException> inWireTerms,
        Func<TResult, string> json,
        Func<TResult, CsvTable> csv)
    {
        if (!MayRead(context.User, botId))
        {
            return KoreError(403, $"The app is not allowed to read bot '{botId}'");
        }

        TQuery query;
        try
        {
            query = await bind();
        }
        catch (EngagementValidationException ex)
        {
            return KoreError(400, ex.Message);
        }

        try
        {
            var result = await ask(query, context.RequestAborted);
            return QueryAnswer.Ok(context, () => json(result), () => csv(result));
        }
        catch (EngagementValidationException ex)
        {
            return KoreError(400, inWireTerms(ex, query).Message);
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
