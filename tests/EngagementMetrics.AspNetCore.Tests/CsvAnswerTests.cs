using System.Net;
using System.Text;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using EngagementMetrics.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// <c>Accept: text/csv</c> on every query route (docs/aspnetcore.md, "CSV"): the document's rows as RFC 4180 CSV; JSON,
/// byte for byte as before, for every other request; errors always JSON.
/// </summary>
public sealed class CsvAnswerTests : IAsyncLifetime
{
    private const string Endpoints = EndpointTests.Endpoints;
    private SampleHostFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var settings = EndpointTests.Settings();

        // No throttle, so that one route is asked several times in a test.
        settings[Endpoints + "Throttle:AccountInterval"] = "00:00:00";
        settings[Endpoints + "Throttle:BotInterval"] = "00:00:00";
        _factory = new SampleHostFactory(settings, new EndpointTests.Clock(EndpointTests.Now));
        _client = _factory.CreateClient();
        var store = _factory.Services.GetRequiredService<IInteractionStore>();
        foreach (var file in new[] { "kore-v2-events.jsonl", "rocketchat-events.jsonl", "statistics-rows-events.jsonl" })
        {
            await store.AppendAsync(EventJsonReader.ReadJsonLines(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", file))).Events);
        }

        // The bot of the bot token (acme-bot-s1), yesterday.
        await store.AppendAsync([new InteractionEvent { BotId = "s1", AccountId = "acme", UserId = "u1", Timestamp = EndpointTests.Now.AddDays(-1), Kind = InteractionKind.MessageIn }]);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static readonly string Jwt = EndpointTests.Jwt("cs-app", EndpointTests.Secret, EndpointTests.Now.AddMinutes(5));
    private const string Period = "start_date=2025-12-01&end_date=2025-12-05";
    private const string Busier = "/api/v1/engagement-dashboard/users/chat-busier/";

    // Every query route, the document it answers and the CSV header of that document's rows (docs/schemas.md).
    public static TheoryData<string, string, string, string> Routes => new()
    {
        { "POST", $"/api/public/bot/st-demo/userEngagementTrend?{Period}&aggregation_type=Daily", "kore-v1", "date,users" },
        { "POST", $"/api/public/bot/st-demo/userEngagementTrend?{Period}", "kore-v1", "date,0 - 1,1 - 2,2 - 3" },
        { "POST", $"/api/public/bot/st-demo/v2/userEngagementTrend?{Period}&aggregation_type=daily&timeZoneOffset=Asia/Kolkata", "kore-v2", "trend,date,users" },
        { "POST", $"/api/public/bot/st-demo/v2/userEngagementTrend?{Period}&timeZoneOffset=Asia/Kolkata", "kore-v2", "trend,date,0 - 1," },
        { "GET", Busier + "hourly-data?start=2023-05-19T00:00:00.000Z", "rocketchat-hourly", "users,hour" },
        { "GET", Busier + "weekly-data?start=2023-05-19T00:00:00.000Z&botId=rc-weekly", "rocketchat-weekly", "users,day,month,year" },
        { "GET", "/analytics/statistics/account/*/0,1,2,3,8,10/day/2", "statistics-rows", "GroupLabel,BotName,ChannelName,EventLabel,EventType,Value" },
        { "GET", "/analytics/statistics/account/*/0,1,2,3,8,10/day/2?format=series", "statistics-series", "type,name,period,value" },
        { "GET", "/analytics/statistics/0,18/hour/2", "statistics-rows", "GroupLabel,BotName,ChannelName,EventLabel,EventType,Value" },
        { "GET", $"/api/engagement/bot/st-demo/lifecycle?{Period}&timeZoneOffset=Asia/Kolkata", "lifecycle", "period,new,returning,resurrecting,dormant" },
        { "GET", $"/api/engagement/bot/st-demo/retention?{Period}&timeZoneOffset=Asia/Kolkata", "retention", "cohort,users,retained[0],retained[1],retained[2],retained[3],retained[4],percent[0],percent[1]," },
    };

    public static TheoryData<string, string> RouteUrls()
    {
        var urls = new TheoryData<string, string>();
        foreach (var route in Routes)
        {
            urls.Add((string)route[0], (string)route[1]);
        }

        return urls;
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Body, HttpResponseMessage Response)> SendAsync(string method, string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (url.StartsWith("/api/public/", StringComparison.Ordinal) || url.StartsWith("/api/engagement/bot/", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("auth", Jwt);
        }
        else if (url.StartsWith(Busier, StringComparison.Ordinal))
        {
            request.Headers.Add("X-User-Id", "admin");
            request.Headers.Add("X-Auth-Token", "good");
        }
        else
        {
            request.Headers.Authorization = new("Bearer", url.Contains("/account/", StringComparison.Ordinal) ? "acme-account" : "acme-bot-s1");
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await _client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), response);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Accept_text_csv_answers_the_documents_rows_as_CSV(string method, string url, string document, string header)
    {
        var json = await SendAsync(method, url);
        var csv = await SendAsync(method, url, "text/csv");

        csv.Status.Should().Be(HttpStatusCode.OK);
        csv.Response.Content.Headers.ContentType!.ToString().Should().Be("text/csv; charset=utf-8");
        csv.Response.Headers.Vary.Should().Contain("Accept");
        json.Response.Headers.Vary.Should().Contain("Accept");
        var bytes = await csv.Response.Content.ReadAsByteArrayAsync();
        csv.Body.Should().StartWith(header).And.EndWith("\r\n");
        Rfc4180.Parse(bytes).Should().BeEquivalentTo(DocumentRows.Read(json.Body, document), o => o.WithStrictOrdering(), $"{method} {url}");
    }

    [Theory]
    [MemberData(nameof(RouteUrls))]
    public async Task Every_other_request_gets_the_JSON_it_always_got(string method, string url)
    {
        var plain = await SendAsync(method, url);

        plain.Status.Should().Be(HttpStatusCode.OK);
        plain.MediaType.Should().Be("application/json");
        foreach (var accept in new[] { "*/*", "application/json", "text/html,application/xhtml+xml,*/*;q=0.8", "text/*", "application/json, text/csv", "text/csv;q=0.5, application/json", "text/csv;q=0", "application/xml" })
        {
            var answer = await SendAsync(method, url, accept);
            answer.MediaType.Should().Be("application/json", $"Accept: {accept}");
            answer.Body.Should().Be(plain.Body, $"Accept: {accept} changes nothing");
        }

        foreach (var accept in new[] { "TEXT/CSV", "text/csv; charset=utf-8", "text/csv;q=0.9, application/json;q=0.5", "application/json;q=0.1, text/csv;q=0.2", "text/csv, */*" })
        {
            (await SendAsync(method, url, accept)).MediaType.Should().Be("text/csv", $"Accept: {accept}");
        }
    }

    [Fact]
    public async Task Errors_stay_JSON_when_CSV_is_asked_for()
    {
        var badZone = await SendAsync("POST", $"/api/public/bot/st-demo/v2/userEngagementTrend?{Period}&timeZoneOffset=330", "text/csv");
        var unknownBot = await SendAsync("POST", $"/api/public/bot/ghost-bot/v2/userEngagementTrend?{Period}", "text/csv");
        var missingStart = await SendAsync("GET", Busier + "hourly-data", "text/csv");
        var badDays = await SendAsync("GET", "/analytics/statistics/account/*/0/day/31", "text/csv");
        var unknownAccountBot = await SendAsync("GET", "/analytics/statistics/account/x1/0/day/2", "text/csv");
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, Busier + "hourly-data?start=2023-05-19T00:00:00.000Z");
        anonymous.Headers.Add("Accept", "text/csv");
        using var unauthorized = await _client.SendAsync(anonymous);

        badZone.Status.Should().Be(HttpStatusCode.BadRequest);
        badZone.MediaType.Should().Be("application/json");
        badZone.Body.Should().Contain("\"code\":400");
        unknownBot.Status.Should().Be(HttpStatusCode.NotFound);
        unknownBot.Body.Should().Be("""{"errors":[{"msg":"Bot 'ghost-bot' was not found","code":404}]}""");
        missingStart.Status.Should().Be(HttpStatusCode.BadRequest);
        missingStart.Body.Should().Be("""{"success":false,"error":"Match error: Missing key 'start'"}""");
        badDays.Status.Should().Be(HttpStatusCode.BadRequest);
        badDays.MediaType.Should().Be("application/json");
        unknownAccountBot.Status.Should().Be(HttpStatusCode.NotFound);
        unknownAccountBot.MediaType.Should().Be("application/json");
        unauthorized.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        unauthorized.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
    }

    [Fact]
    public async Task Too_soon_stays_JSON_when_CSV_is_asked_for()
    {
        // The documented throttle (one account call an hour): the second call is a 429 with its JSON body.
        await using var factory = new SampleHostFactory(EndpointTests.Settings(), new EndpointTests.Clock(EndpointTests.Now));
        using var client = factory.CreateClient();
        await factory.Services.GetRequiredService<IInteractionStore>().AppendAsync(
            [new InteractionEvent { BotId = "s1", AccountId = "acme", UserId = "u1", Timestamp = EndpointTests.Now.AddDays(-1), Kind = InteractionKind.MessageIn }]);
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/analytics/statistics/account/*/0/day/2");
            request.Headers.Authorization = new("Bearer", "acme-account");
            request.Headers.Add("Accept", "text/csv");
            return request;
        }

        using var first = await client.SendAsync(Request());
        using var second = await client.SendAsync(Request());

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        second.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        second.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await second.Content.ReadAsStringAsync()).Should().StartWith("{\"error\":");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("*/*", false)]
    [InlineData("text/*", false)]
    [InlineData("application/json", false)]
    [InlineData("application/json, text/csv", false)]
    [InlineData("text/csv;q=0", false)]
    [InlineData("text/csv;q=0.5, application/json;q=0.5", false)]
    [InlineData("text/plain, text/csvx", false)]
    [InlineData("not a media type ;;", false)]
    [InlineData("text/csv", true)]
    [InlineData("Text/CSV", true)]
    [InlineData("text/csv; charset=utf-8; header=present", true)]
    [InlineData("application/json;q=0.9, text/csv", true)]
    [InlineData("text/csv, */*;q=0.1", true)]
    public void The_negotiation_wants_CSV_only_when_Accept_names_it_above_JSON(string? accept, bool csv)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
        {
            context.Request.Headers.Accept = accept;
        }

        QueryAnswer.WantsCsv(context.Request).Should().Be(csv);
    }

    [Fact]
    public async Task A_large_answer_streams_whole()
    {
        // Every hour of 30 days, four types, every bot and channel: thousands of rows, many 16 KB pieces.
        var rows = await SendAsync("GET", "/analytics/statistics/account/*/0,1,2,3/hour/30", "text/csv");
        var json = await SendAsync("GET", "/analytics/statistics/account/*/0,1,2,3/hour/30");

        Encoding.UTF8.GetByteCount(rows.Body).Should().BeGreaterThan(64 * 1024);
        Rfc4180.Parse(Encoding.UTF8.GetBytes(rows.Body)).Should().BeEquivalentTo(DocumentRows.Read(json.Body, "statistics-rows"), o => o.WithStrictOrdering());
    }
}
