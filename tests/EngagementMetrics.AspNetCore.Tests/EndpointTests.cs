using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// Every route of the sample host (through <see cref="SampleHostFactory"/>, a <c>WebApplicationFactory&lt;Program&gt;</c>):
/// documented bodies, statuses and the auth matrix. Apps, keys and credentials come from configuration, as in
/// docs/aspnetcore.md; only the clock is replaced.
/// </summary>
public sealed class EndpointTests : IAsyncLifetime
{
    internal const string Secret = "kore-client-secret-0123456789";
    internal const string Endpoints = "EngagementMetrics:Endpoints:";
    internal const string Credentials = "Sample:Credentials:";
    internal static readonly DateTimeOffset Now = new(2025, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private SampleHostFactory _factory = null!;
    private HttpClient _client = null!;

    internal sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    internal static Dictionary<string, string?> Settings() => new()
    {
        [Endpoints + "KoreApps:0:AppId"] = "cs-app",
        [Endpoints + "KoreApps:0:ClientSecret"] = Secret,
        [Endpoints + "KoreApps:0:Bots:0"] = "st-demo",
        [Endpoints + "KoreApps:0:Bots:1"] = "ghost-bot",
        [Endpoints + "KoreApps:1:AppId"] = "other-app",
        [Endpoints + "KoreApps:1:ClientSecret"] = "another-secret-abcdefghijkl",
        [Endpoints + "KoreApps:1:Bots:0"] = "other-bot",
        [Endpoints + "RocketChatBotId"] = "rc-demo",
        [Endpoints + "IngestApiKeys:0"] = "ingest-key",
        [Endpoints + "MaxIngestBytes"] = "65536",
        [Credentials + "RocketChatUsers:0:UserId"] = "admin",
        [Credentials + "RocketChatUsers:0:Token"] = "good",
        [Credentials + "RocketChatUsers:0:Permissions:0"] = EngagementEndpoints.DashboardPermission,
        [Credentials + "RocketChatUsers:1:UserId"] = "guest",
        [Credentials + "RocketChatUsers:1:Token"] = "good",
        [Credentials + "RocketChatUsers:1:Permissions:0"] = "view-room",
        [Credentials + "RocketChatUsers:2:UserId"] = "team",
        [Credentials + "RocketChatUsers:2:Token"] = "good",
        [Credentials + "RocketChatUsers:2:Permissions:0"] = EngagementEndpoints.DashboardPermission,
        [Credentials + "RocketChatUsers:2:Bots:0"] = "rc-demo",
        [Credentials + "StatisticsTokens:0:Token"] = "acme-account",
        [Credentials + "StatisticsTokens:0:AccountId"] = "acme",
        [Credentials + "StatisticsTokens:1:Token"] = "acme-bot-s1",
        [Credentials + "StatisticsTokens:1:AccountId"] = "acme",
        [Credentials + "StatisticsTokens:1:BotId"] = "s1",
    };

    public async Task InitializeAsync()
    {
        _factory = new SampleHostFactory(Settings(), new Clock(Now));
        _client = _factory.CreateClient();

        var store = _factory.Services.GetRequiredService<IInteractionStore>();
        foreach (var file in new[] { "kore-v2-events.jsonl", "rocketchat-events.jsonl" })
        {
            var read = EventJsonReader.ReadJsonLines(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", file)));
            await store.AppendAsync(read.Events);
        }

        await store.AppendAsync(
        [
            new InteractionEvent { BotId = "s1", AccountId = "acme", UserId = "u1", Timestamp = Now.AddDays(-1), Kind = InteractionKind.MessageIn },
            new InteractionEvent { BotId = "x1", AccountId = "other", UserId = "z", Timestamp = Now.AddDays(-1), Kind = InteractionKind.MessageIn },
        ]);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static string Minified(string golden)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", golden)));
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static string Jwt(string appId, string secret, DateTimeOffset expires, string alg = "HS256", DateTimeOffset? notBefore = null)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64(Encoding.UTF8.GetBytes($$"""{"alg":"{{alg}}","typ":"JWT"}"""));
        var nbf = notBefore is { } n ? $",\"nbf\":{n.ToUnixTimeSeconds()}" : string.Empty;
        var payload = B64(Encoding.UTF8.GetBytes($$"""{"appId":"{{appId}}","sub":"1","exp":{{expires.ToUnixTimeSeconds()}}{{nbf}}}"""));
        var signature = B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string url, Action<HttpRequestMessage>? setup = null)
    {
        using var request = new HttpRequestMessage(method, url);
        setup?.Invoke(request);
        var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> KoreAsync(string url, string? token = null, string? body = null) =>
        SendAsync(HttpMethod.Post, url, r =>
        {
            r.Headers.TryAddWithoutValidation("auth", token ?? Jwt("cs-app", Secret, Now.AddMinutes(5)));
            if (body is not null)
            {
                r.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }
        });

    [Theory]
    [InlineData("daily", "kore-v2-daily.json")]
    [InlineData("Hourly", "kore-v2-hourly.json")]
    public async Task Kore_v2_answers_the_documented_document(string aggregation, string golden)
    {
        var (status, body, response) = await KoreAsync($"/api/public/bot/st-demo/v2/userEngagementTrend?aggregation_type={aggregation}&start_date=2025-12-01&end_date=2025-12-05&timeZoneOffset=Asia/Kolkata");

        status.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        body.Should().Be(Minified(golden));
    }

    [Fact]
    public async Task Kore_v1_reads_the_filters_object_and_the_query_string_wins()
    {
        var fromBody = await KoreAsync("/api/public/bot/st-demo/userEngagementTrend", body: """{"filters":{"start_date":"2025-12-01","end_date":"2025-12-05","aggregation_type":"Daily"}}""");
        var queryWins = await KoreAsync("/api/public/bot/st-demo/userEngagementTrend?end_date=2025-12-02", body: """{"filters":{"start_date":"2025-12-01","end_date":"2025-12-05","aggregation_type":"Daily"}}""");

        fromBody.Status.Should().Be(HttpStatusCode.OK);
        fromBody.Body.Should().StartWith("""{"results":[{"date":"Dec 01 2025","users":0}""").And.EndWith("\"totalResults\":5}");
        queryWins.Body.Should().EndWith("\"totalResults\":2}");
    }

    [Theory]
    [InlineData(null, 401)]
    [InlineData("garbage", 401)]
    [InlineData("expired", 401)]
    [InlineData("not-yet", 401)]
    [InlineData("wrong-key", 401)]
    [InlineData("none-alg", 401)]
    [InlineData("other-app", 403)]
    public async Task Kore_auth_matrix(string? kind, int expected)
    {
        var token = kind switch
        {
            null => string.Empty,
            "garbage" => "a.b",
            "expired" => Jwt("cs-app", Secret, Now.AddMinutes(-5)),
            "not-yet" => Jwt("cs-app", Secret, Now.AddHours(2), notBefore: Now.AddHours(1)),
            "wrong-key" => Jwt("cs-app", "not-the-secret-000000000000", Now.AddMinutes(5)),
            "none-alg" => Jwt("cs-app", Secret, Now.AddMinutes(5), alg: "none"),
            _ => Jwt("other-app", "another-secret-abcdefghijkl", Now.AddMinutes(5)),
        };

        var (status, body, _) = await KoreAsync("/api/public/bot/st-demo/v2/userEngagementTrend?start_date=2025-12-01&end_date=2025-12-05", token);

        ((int)status).Should().Be(expected);
        body.Should().StartWith($$"""{"errors":[{"msg":""").And.EndWith($$""","code":{{expected}}}]}""");
    }

    [Fact]
    public async Task Kore_bad_parameters_are_400_and_an_unknown_bot_is_404()
    {
        var badZone = await KoreAsync("/api/public/bot/st-demo/v2/userEngagementTrend?start_date=2025-12-01&end_date=2025-12-05&timeZoneOffset=330");
        var reversed = await KoreAsync("/api/public/bot/st-demo/v2/userEngagementTrend?start_date=2025-12-05&end_date=2025-12-01");
        var missing = await KoreAsync("/api/public/bot/st-demo/userEngagementTrend");
        var unknown = await KoreAsync("/api/public/bot/ghost-bot/v2/userEngagementTrend?start_date=2025-12-01&end_date=2025-12-05");

        badZone.Status.Should().Be(HttpStatusCode.BadRequest);
        badZone.Body.Should().Contain("timeZoneOffset").And.Contain("\"code\":400");
        reversed.Status.Should().Be(HttpStatusCode.BadRequest);
        reversed.Body.Should().Contain("end_date");
        missing.Status.Should().Be(HttpStatusCode.BadRequest);
        missing.Body.Should().Contain("start_date");
        unknown.Status.Should().Be(HttpStatusCode.NotFound);
        unknown.Body.Should().Be("""{"errors":[{"msg":"Bot 'ghost-bot' was not found","code":404}]}""");
    }

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> RocketAsync(string url, string user = "admin", string token = "good") =>
        SendAsync(HttpMethod.Get, url, r =>
        {
            r.Headers.Add("X-User-Id", user);
            r.Headers.Add("X-Auth-Token", token);
        });

    [Fact]
    public async Task Rocket_chat_routes_answer_the_documented_documents_and_errors()
    {
        var hourly = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z");
        var weekly = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/weekly-data?start=2023-05-19T00:00:00.000Z&botId=rc-weekly");
        var missing = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data");
        var malformed = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/weekly-data?start=2023-05-T00:00:00.000Z");
        var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z");
        var badToken = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z", token: "bad");
        var guest = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z", user: "guest");
        var teamOwnBot = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z", user: "team");
        var teamOtherBot = await RocketAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z&botId=st-demo", user: "team");

        hourly.Body.Should().Be(Minified("rocketchat-hourly.json"));
        weekly.Body.Should().Be(Minified("rocketchat-weekly.json"));
        missing.Status.Should().Be(HttpStatusCode.BadRequest);
        missing.Body.Should().Be("""{"success":false,"error":"Match error: Missing key 'start'"}""");
        malformed.Body.Should().Be("""{"success":false,"error":"Match error: Failed Match.Where validation in field start"}""");
        anonymous.Status.Should().Be(HttpStatusCode.Unauthorized);
        anonymous.Body.Should().Be("""{"success":false,"error":"You must be logged in to do this.","status":"error","message":"You must be logged in to do this."}""");
        badToken.Status.Should().Be(HttpStatusCode.Unauthorized);
        guest.Status.Should().Be(HttpStatusCode.Forbidden);
        teamOwnBot.Status.Should().Be(HttpStatusCode.OK);
        teamOtherBot.Status.Should().Be(HttpStatusCode.Forbidden, "a user limited to rc-demo may not read another bot with botId");
        guest.Body.Should().Be("""{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");
    }

    [Fact]
    public async Task Rocket_chat_bodies_validate_against_rocket_chats_own_response_schemas()
    {
        const string Hourly = "/api/v1/engagement-dashboard/users/chat-busier/hourly-data";
        const string Weekly = "/api/v1/engagement-dashboard/users/chat-busier/weekly-data";
        var answers = new[]
        {
            (await RocketAsync(Hourly + "?start=2023-05-19T00:00:00.000Z"), RocketChatSchemas.Hourly),
            (await RocketAsync(Hourly + "?start=2031-01-01T00:00:00.000Z"), RocketChatSchemas.Hourly),
            (await RocketAsync(Weekly + "?start=2023-05-19T00:00:00.000Z&botId=rc-weekly"), RocketChatSchemas.Weekly),
            (await RocketAsync(Weekly + "?start=2031-01-01T00:00:00.000Z"), RocketChatSchemas.Weekly),
            (await RocketAsync(Hourly), RocketChatSchemas.Error),
            (await RocketAsync(Weekly + "?start=2023-05-T00:00:00.000Z"), RocketChatSchemas.Error),
            (await SendAsync(HttpMethod.Get, Hourly + "?start=2023-05-19T00:00:00.000Z"), RocketChatSchemas.Error),
            (await RocketAsync(Weekly + "?start=2023-05-19T00:00:00.000Z", user: "guest"), RocketChatSchemas.Error),
        };

        foreach (var ((status, body, _), schema) in answers)
        {
            RocketChatSchemas.Problems(JsonDocument.Parse(body).RootElement, schema).Should().BeEmpty($"{(int)status} {body} validates");
        }

        // No data in the window: all twelve buckets, as the seed's example shows (a live server answers "hours": [] then).
        var empty = JsonDocument.Parse(answers[1].Item1.Body).RootElement.GetProperty("hours");
        empty.GetArrayLength().Should().Be(12);
        empty.EnumerateArray().Select(h => h.GetProperty("users").GetInt32()).Should().AllBeEquivalentTo(0);
        JsonDocument.Parse(answers[3].Item1.Body).RootElement.GetProperty("month").GetArrayLength().Should().Be(0);

        // The validator itself refuses what the schemas refuse.
        RocketChatSchemas.Problems(JsonDocument.Parse("""{"status":"error","message":"You must be logged in to do this."}""").RootElement, RocketChatSchemas.Error)
            .Should().ContainSingle().Which.Should().Contain("success");
        RocketChatSchemas.Problems(JsonDocument.Parse("""{"hours":[{"users":1,"hour":2,"extra":0}],"success":true}""").RootElement, RocketChatSchemas.Hourly)
            .Should().ContainSingle().Which.Should().Contain("extra");
        RocketChatSchemas.Problems(JsonDocument.Parse("""{"month":[],"success":"yes"}""").RootElement, RocketChatSchemas.Weekly)
            .Should().ContainSingle().Which.Should().Contain("success");
    }

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> StatsAsync(string url, string? token) =>
        SendAsync(HttpMethod.Get, url, r =>
        {
            if (token is not null)
            {
                r.Headers.Authorization = new("Bearer", token);
            }
        });

    [Fact]
    public async Task Statistics_routes_answer_throttle_and_never_cross_accounts()
    {
        var foreign = await StatsAsync("/analytics/statistics/account/x1/2/day/7", "acme-account");
        var bad = await StatsAsync("/analytics/statistics/account/*/2,19/day/7", "acme-account");
        var ok = await StatsAsync("/analytics/statistics/account/*/2,3/day/2?format=series", "acme-account");
        var again = await StatsAsync("/analytics/statistics/account/*/2/day/2", "acme-account");
        var anonymous = await StatsAsync("/analytics/statistics/account/*/2/day/2", null);
        var botRouteWithAccountToken = await StatsAsync("/analytics/statistics/2/day/2", "acme-account");
        var botRoute = await StatsAsync("/analytics/statistics/2,18/hour/1?format=series", "acme-bot-s1");
        var accountRouteWithBotToken = await StatsAsync("/analytics/statistics/account/*/2/day/2", "acme-bot-s1");

        foreign.Status.Should().Be(HttpStatusCode.NotFound);
        foreign.Body.Should().Be("""{"error":"The specified account or bot has not been found."}""");
        bad.Status.Should().Be(HttpStatusCode.BadRequest);
        bad.Body.Should().Contain("19");
        ok.Status.Should().Be(HttpStatusCode.OK);
        ok.Body.Should().StartWith("""{"account":"acme","bot":"*","groupMode":"day","days":2,"timeZone":"UTC","from":"2025-12-06","to":"2025-12-07","series":[{"type":2,"name":"Active User","points":[{"period":"2025-12-06","value":1},{"period":"2025-12-07","value":0}]}""");
        again.Status.Should().Be((HttpStatusCode)429);
        again.Response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromHours(1));
        anonymous.Status.Should().Be(HttpStatusCode.Unauthorized);
        botRouteWithAccountToken.Status.Should().Be(HttpStatusCode.Forbidden);
        accountRouteWithBotToken.Status.Should().Be(HttpStatusCode.Forbidden);
        botRoute.Status.Should().Be(HttpStatusCode.OK);
        botRoute.Body.Should().Contain("\"bot\":\"s1\"").And.Contain("\"type\":18");
    }

    [Fact]
    public async Task Statistics_routes_answer_the_row_array_by_default_and_refuse_an_unknown_format_before_the_throttle()
    {
        var unknown = await StatsAsync("/analytics/statistics/account/*/2,3/day/2?format=csv", "acme-account");
        var empty = await StatsAsync("/analytics/statistics/account/*/2,3/day/2?format=", "acme-account");
        var rows = await StatsAsync("/analytics/statistics/account/*/2,3/day/2", "acme-account");
        var botRows = await StatsAsync("/analytics/statistics/2,18/day/2?format=ROWS", "acme-bot-s1");

        unknown.Status.Should().Be(HttpStatusCode.BadRequest);
        unknown.Body.Should().Be("""{"error":"invalid format 'csv': expected rows or series"}""");
        empty.Status.Should().Be(HttpStatusCode.BadRequest);
        empty.Body.Should().Be("""{"error":"invalid format '': expected rows or series"}""");
        rows.Status.Should().Be(HttpStatusCode.OK, "refused formats did not use up the account's call");
        rows.Response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        rows.Body.Should().Be(
            """[{"GroupLabel":"2025-12-06","BotName":"s1","ChannelName":"default","EventLabel":"Active User","EventType":2,"Value":1},"""
            + """{"GroupLabel":"2025-12-06","BotName":"s1","ChannelName":"default","EventLabel":"Messages","EventType":3,"Value":1},"""
            + """{"GroupLabel":"2025-12-07","BotName":"s1","ChannelName":"default","EventLabel":"Active User","EventType":2,"Value":0},"""
            + """{"GroupLabel":"2025-12-07","BotName":"s1","ChannelName":"default","EventLabel":"Messages","EventType":3,"Value":0}]""");
        botRows.Status.Should().Be(HttpStatusCode.OK);
        botRows.Body.Should().EndWith("""{"GroupLabel":"2025-12-07","BotName":"s1","ChannelName":"default","EventLabel":"Tag Hit","EventType":18,"Value":0}]""");
    }

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> IngestAsync(string body, string contentType = "application/json", string? key = "ingest-key", string query = "") =>
        SendAsync(HttpMethod.Post, "/api/engagement/events" + query, r =>
        {
            if (key is not null)
            {
                r.Headers.Add("X-Api-Key", key);
            }

            r.Content = new StringContent(body, Encoding.UTF8, contentType);
        });

    [Fact]
    public async Task Ingest_stores_arrays_and_ndjson_idempotently_and_refuses_bad_batches_whole()
    {
        var array = """[{"eventId":"i1","botId":"ing","userId":"a","timestamp":"2025-12-06T10:00:00Z","kind":"message_in"},{"eventId":"i2","botId":"ing","userId":"b","timestamp":"2025-12-06T11:00:00Z","kind":"message_in"}]""";
        var ndjson = "{\"eventId\":\"i3\",\"botId\":\"ing\",\"userId\":\"c\",\"timestamp\":\"2025-12-06T12:00:00Z\",\"kind\":\"message_in\"}\n{\"botId\":\"ing\",\"timestamp\":\"nope\",\"kind\":\"message_in\"}\n";

        var first = await IngestAsync(array);
        var again = await IngestAsync(array);
        var strict = await IngestAsync(ndjson, "application/x-ndjson");
        var lenient = await IngestAsync(ndjson, "application/x-ndjson", query: "?mode=lenient");
        var noKey = await IngestAsync(array, key: null);
        var wrongKey = await IngestAsync(array, key: "guess");
        var tooLarge = await IngestAsync("[" + string.Join(',', Enumerable.Repeat(array[1..^1], 400)) + "]");

        first.Body.Should().Be("""{"stored":2,"duplicates":0,"rejected":[]}""");
        again.Body.Should().Be("""{"stored":0,"duplicates":2,"rejected":[]}""");
        strict.Status.Should().Be(HttpStatusCode.BadRequest);
        strict.Body.Should().StartWith("""{"stored":0,"duplicates":0,"rejected":[{"line":2,"field":"timestamp",""");
        lenient.Body.Should().StartWith("""{"stored":1,"duplicates":0,"rejected":[{"line":2,"field":"timestamp",""");
        noKey.Status.Should().Be(HttpStatusCode.Unauthorized);
        wrongKey.Status.Should().Be(HttpStatusCode.Unauthorized);
        tooLarge.Status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        var store = _factory.Services.GetRequiredService<IInteractionStore>();
        await using var snapshot = await store.OpenSnapshotAsync("ing");
        snapshot!.UserCount.Should().Be(3, "a, b and c; the refused strict batch stored nothing, the lenient one stored c");
    }

    /// <summary>Lines that crashed or fooled the old reader (shared with the CLI test): lines 1 and 8 are valid, 2 to 7 each break one rule.</summary>
    private static byte[] HostileLines() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "hostile-events.jsonl"));

    [Fact]
    public async Task Ingest_hostile_lines_are_refused_by_line_never_a_500()
    {
        async Task<(HttpStatusCode Status, string Body)> Post(byte[] body, string contentType, string query)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events" + query);
            request.Headers.Add("X-Api-Key", "ingest-key");
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            using var response = await _client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var strict = await Post(HostileLines(), "application/x-ndjson", string.Empty);
        var lenient = await Post(HostileLines(), "application/x-ndjson", "?mode=lenient");
        var array = await Post([(byte)'[', .. HostileLines()[..HostileLines().AsSpan().IndexOf((byte)'\n')], (byte)',', .. Encoding.UTF8.GetBytes("""{"botId":"hostile","userId":"A\udc00","timestamp":"2025-12-06T10:00:00Z","kind":"message_in"}"""), (byte)']'], "application/json", "?mode=lenient");

        strict.Status.Should().Be(HttpStatusCode.BadRequest);
        var rejected = JsonDocument.Parse(lenient.Body).RootElement.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("field").GetString())).ToList();
        lenient.Status.Should().Be(HttpStatusCode.OK);
        lenient.Body.Should().StartWith("""{"stored":2,"duplicates":0,""");
        rejected.Should().Equal((2, "userId"), (3, "$"), (4, "botId"), (5, "userId"), (6, "timestamp"), (7, "timestamp"));
        lenient.Body.Should().Contain("2025-02-30 is not a calendar date").And.Contain("leap seconds are not supported").And.Contain("invalid UTF-8 at byte");
        array.Status.Should().Be(HttpStatusCode.OK);
        array.Body.Should().StartWith("""{"stored":0,"duplicates":1,"rejected":[{"index":1,"field":"userId",""");
    }

    [Fact]
    public async Task The_configured_route_prefix_moves_every_route()
    {
        var settings = Settings();
        settings[Endpoints + "RoutePrefix"] = "/engagement/";
        await using var factory = new SampleHostFactory(settings);
        using var client = factory.CreateClient();

        (await client.GetAsync("/engagement/api/v1/engagement-dashboard/users/chat-busier/hourly-data")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsJsonAsync("/engagement/api/engagement/events", Array.Empty<object>())).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/engagement/events", Array.Empty<object>())).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/engagement/analytics/statistics/2/day/1")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.PostAsync("/engagement/api/public/bot/st-demo/v2/userEngagementTrend", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK, "the host's own routes stay where the host put them");
    }

    [Fact]
    public async Task With_the_shipped_settings_alone_every_route_is_closed()
    {
        // appsettings.json of the sample names no app, user, token or key: nothing may get in, whatever it presents.
        await using var factory = new SampleHostFactory(new Dictionary<string, string?>());
        using var client = factory.CreateClient();
        async Task<HttpStatusCode> Send(HttpMethod method, string url, string header, string value)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.TryAddWithoutValidation(header, value);
            if (header == "X-User-Id")
            {
                request.Headers.Add("X-Auth-Token", string.Empty);
            }

            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        (await Send(HttpMethod.Post, "/api/public/bot/st-demo/v2/userEngagementTrend?start_date=2025-12-01&end_date=2025-12-05", "auth", Jwt("cs-app", Secret, DateTimeOffset.UtcNow.AddMinutes(5))))
            .Should().Be(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Get, "/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z", "X-User-Id", "admin"))
            .Should().Be(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Get, "/analytics/statistics/account/*/2/day/2", "Authorization", "Bearer "))
            .Should().Be(HttpStatusCode.Unauthorized);
        (await Send(HttpMethod.Post, "/api/engagement/events", "X-Api-Key", string.Empty))
            .Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_route_group_can_be_mapped_on_its_own()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddEngagementMetrics().UseInMemoryStore();
        builder.Services.AddAuthentication().AddEngagementMetricsSchemes();
        await using var app = builder.Build();
        app.MapRocketChatEndpoints();
        await app.StartAsync();
        using var client = app.GetTestClient();

        (await client.GetAsync("/api/v1/engagement-dashboard/users/chat-busier/hourly-data")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.PostAsJsonAsync("/api/engagement/events", Array.Empty<object>())).StatusCode.Should().Be(HttpStatusCode.NotFound, "only the Rocket.Chat group was mapped");
        (await client.GetAsync("/analytics/statistics/2/day/1")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
