using System.Net;
using System.Text;
using System.Text.Json;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// The sample host's <c>/openapi/v1.json</c> (docs/aspnetcore.md) against the app itself: every mapped route is an
/// operation, every status a real request gets is documented (and every documented one is got), every body matches its
/// schema, and the parameters and security schemes are the documented ones.
/// </summary>
public sealed class OpenApiDocumentTests : IAsyncLifetime
{
    // The same app, secret, setting prefixes and clock as EndpointTests.
    private const string Secret = EndpointTests.Secret;
    private const string Endpoints = EndpointTests.Endpoints;
    private const string Credentials = EndpointTests.Credentials;
    private static readonly DateTimeOffset Now = EndpointTests.Now;
    private SampleHostFactory _factory = null!;
    private HttpClient _client = null!;
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        _factory = new SampleHostFactory(
            new Dictionary<string, string?>
            {
                [Endpoints + "KoreApps:0:AppId"] = "cs-app",
                [Endpoints + "KoreApps:0:ClientSecret"] = Secret,
                [Endpoints + "KoreApps:0:Bots:0"] = "st-demo",
                [Endpoints + "KoreApps:0:Bots:1"] = "ghost-bot",
                [Endpoints + "RocketChatBotId"] = "rc-demo",
                [Endpoints + "IngestApiKeys:0"] = "ingest-key",
                [Endpoints + "MaxIngestBytes"] = "4096",
                [Credentials + "RocketChatUsers:0:UserId"] = "admin",
                [Credentials + "RocketChatUsers:0:Token"] = "good",
                [Credentials + "RocketChatUsers:0:Permissions:0"] = Microsoft.AspNetCore.Builder.EngagementEndpoints.DashboardPermission,
                [Credentials + "RocketChatUsers:1:UserId"] = "guest",
                [Credentials + "RocketChatUsers:1:Token"] = "good",
                [Credentials + "StatisticsTokens:0:Token"] = "acme-account",
                [Credentials + "StatisticsTokens:0:AccountId"] = "acme",
                [Credentials + "StatisticsTokens:1:Token"] = "acme-bot-s1",
                [Credentials + "StatisticsTokens:1:AccountId"] = "acme",
                [Credentials + "StatisticsTokens:1:BotId"] = "s1",
                [Credentials + "StatisticsTokens:2:Token"] = "acme-bot-ghost",
                [Credentials + "StatisticsTokens:2:AccountId"] = "acme",
                [Credentials + "StatisticsTokens:2:BotId"] = "ghost",
            },
            new EndpointTests.Clock(Now));
        _client = _factory.CreateClient();
        var store = _factory.Services.GetRequiredService<IInteractionStore>();
        var read = EventJsonReader.ReadJsonLines(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "kore-v2-events.jsonl")));
        await store.AppendAsync(read.Events);
        await store.AppendAsync(
        [
            new InteractionEvent { BotId = "s1", AccountId = "acme", UserId = "u1", Timestamp = Now.AddDays(-1), Kind = InteractionKind.MessageIn },
            new InteractionEvent { BotId = "x1", AccountId = "other", UserId = "z", Timestamp = Now.AddDays(-1), Kind = InteractionKind.MessageIn },
        ]);

        using var response = await _client.GetAsync("/openapi/v1.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    // Every route the app maps, as (METHOD, path, endpoint): what the document must name. The document's own route and
    // the health check are the host's, not the package's.
    private List<(string Method, string Path, RouteEndpoint Endpoint)> MappedRoutes() =>
        [.. _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is not ("/healthz" or "/openapi/{documentName}.json"))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["(any)"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'), e)))];

    private JsonElement Operation(string method, string path) =>
        _document.GetProperty("paths").TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out var operation)
            ? operation
            : throw new Xunit.Sdk.XunitException($"the document has no {method} {path}");

    [Fact]
    public void Every_mapped_route_is_an_operation_with_its_name_a_tag_a_summary_and_a_security_requirement()
    {
        var routes = MappedRoutes();
        routes.Should().HaveCount(9, "two Kore.ai, two Rocket.Chat, two statistics, one ingest, one lifecycle and one retention route");
        var schemes = _document.GetProperty("components").GetProperty("securitySchemes");
        foreach (var (method, path, endpoint) in routes)
        {
            var operation = Operation(method, path);
            operation.GetProperty("operationId").GetString().Should().Be(endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, $"{method} {path} has a name");
            operation.GetProperty("tags").GetArrayLength().Should().Be(1, $"{method} {path} has its family's tag");
            operation.GetProperty("summary").GetString().Should().NotBeNullOrWhiteSpace();
            var security = operation.GetProperty("security").EnumerateArray().Single().EnumerateObject().Select(p => p.Name).ToList();
            security.Should().NotBeEmpty().And.OnlyContain(name => HasProperty(schemes, name), $"{method} {path} requires described schemes");
        }

        var documented = _document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (o.Name.ToUpperInvariant(), p.Name))).ToList();
        documented.Should().BeEquivalentTo(routes.Select(r => (r.Method, r.Path)), "the document names the mapped routes and nothing else");
    }

    [Fact]
    public async Task Every_status_a_route_answers_is_documented_with_a_schema_its_body_matches_and_every_documented_status_is_answered()
    {
        const string V1 = "/api/public/bot/{botId}/userEngagementTrend";
        const string V2 = "/api/public/bot/{streamId}/v2/userEngagementTrend";
        const string Hourly = "/api/v1/engagement-dashboard/users/chat-busier/hourly-data";
        const string Weekly = "/api/v1/engagement-dashboard/users/chat-busier/weekly-data";
        const string Account = "/analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days}";
        const string Bot = "/analytics/statistics/{types}/{groupMode}/{days}";
        const string Ingest = "/api/engagement/events";
        const string Lifecycle = "/api/engagement/bot/{botId}/lifecycle";
        const string Retention = "/api/engagement/bot/{botId}/retention";
        var jwt = EndpointTests.Jwt("cs-app", Secret, Now.AddMinutes(5));
        var period = "start_date=2025-12-01&end_date=2025-12-05";
        var event1 = $$"""{"eventId":"e1","botId":"b1","userId":"u","timestamp":"2025-12-01T10:00:00Z","kind":"message_in"}""";
        (string Method, string Template, string Url, Action<HttpRequestMessage> Setup)[] requests =
        [
            ("POST", V1, $"/api/public/bot/st-demo/userEngagementTrend?{period}", Kore(jwt)),
            ("POST", V1, $"/api/public/bot/st-demo/userEngagementTrend?{period}&aggregation_type=Daily", Kore(jwt)),
            ("POST", V1, "/api/public/bot/st-demo/userEngagementTrend", Kore(jwt)),
            ("POST", V1, $"/api/public/bot/st-demo/userEngagementTrend?{period}", Kore(null)),
            ("POST", V1, $"/api/public/bot/not-granted/userEngagementTrend?{period}", Kore(jwt)),
            ("POST", V1, $"/api/public/bot/ghost-bot/userEngagementTrend?{period}", Kore(jwt)),
            ("POST", V2, $"/api/public/bot/st-demo/v2/userEngagementTrend?{period}&timeZoneOffset=Asia/Kolkata", Kore(jwt)),
            ("POST", V2, $"/api/public/bot/st-demo/v2/userEngagementTrend?{period}&aggregation_type=daily", Kore(jwt)),
            ("POST", V2, $"/api/public/bot/st-demo/v2/userEngagementTrend?{period}&timeZoneOffset=330", Kore(jwt)),
            ("POST", V2, $"/api/public/bot/st-demo/v2/userEngagementTrend?{period}", Kore("not-a-jwt")),
            ("POST", V2, $"/api/public/bot/not-granted/v2/userEngagementTrend?{period}", Kore(jwt)),
            ("POST", V2, $"/api/public/bot/ghost-bot/v2/userEngagementTrend?{period}", Kore(jwt)),
            ("GET", Hourly, Hourly + "?start=2025-12-04T00:00:00Z", Rocket("admin")),
            ("GET", Hourly, Hourly, Rocket("admin")),
            ("GET", Hourly, Hourly + "?start=2025-12-04T00:00:00Z", Rocket(null)),
            ("GET", Hourly, Hourly + "?start=2025-12-04T00:00:00Z", Rocket("guest")),
            ("GET", Weekly, Weekly + "?start=2025-12-04T00:00:00Z&timeZone=Asia/Kolkata", Rocket("admin")),
            ("GET", Weekly, Weekly + "?start=yesterday", Rocket("admin")),
            ("GET", Weekly, Weekly + "?start=2025-12-04T00:00:00Z", Rocket(null)),
            ("GET", Weekly, Weekly + "?start=2025-12-04T00:00:00Z", Rocket("guest")),
            ("GET", Account, "/analytics/statistics/account/x1/0,2/day/7", Bearer("acme-account")),
            ("GET", Account, "/analytics/statistics/account/*/0,2,8/day/7", Bearer("acme-account")),
            ("GET", Account, "/analytics/statistics/account/*/0,2,8/day/7", Bearer("acme-account")),
            ("GET", Account, "/analytics/statistics/account/*/0,2/day/31", Bearer("acme-account")),
            ("GET", Account, "/analytics/statistics/account/*/0,2/day/7", Bearer(null)),
            ("GET", Account, "/analytics/statistics/account/*/0,2/day/7", Bearer("acme-bot-s1")),
            ("GET", Bot, "/analytics/statistics/0,18/hour/2", Bearer("acme-bot-s1")),
            ("GET", Bot, "/analytics/statistics/0,18/hour/2", Bearer("acme-bot-s1")),
            ("GET", Bot, "/analytics/statistics/0/week/2", Bearer("acme-bot-s1")),
            ("GET", Bot, "/analytics/statistics/0/day/2", Bearer("acme-bot-ghost")),
            ("GET", Bot, "/analytics/statistics/0/day/2", Bearer("wrong")),
            ("GET", Bot, "/analytics/statistics/0/day/2", Bearer("acme-account")),
            ("POST", Ingest, Ingest, Events("ingest-key", $"[{event1}]")),
            ("POST", Ingest, Ingest + "?mode=lenient", Events("ingest-key", $$"""[{{event1}},{"botId":"b1","kind":"message_in"}]""")),
            ("POST", Ingest, Ingest, Events("ingest-key", """[{"botId":"b1","kind":"message_in"}]""")),
            ("POST", Ingest, Ingest + "?mode=careless", Events("ingest-key", $"[{event1}]")),
            ("POST", Ingest, Ingest, Events(null, $"[{event1}]")),
            ("POST", Ingest, Ingest, Events("ingest-key", "[" + string.Join(',', Enumerable.Repeat(event1, 100)) + "]")),
            ("GET", Lifecycle, $"/api/engagement/bot/st-demo/lifecycle?{period}&aggregation=hour&timeZoneOffset=Asia/Kolkata", Kore(jwt)),
            ("GET", Lifecycle, $"/api/engagement/bot/st-demo/lifecycle?{period}&aggregation=year", Kore(jwt)),
            ("GET", Lifecycle, $"/api/engagement/bot/st-demo/lifecycle?{period}", Kore(null)),
            ("GET", Lifecycle, $"/api/engagement/bot/not-granted/lifecycle?{period}", Kore(jwt)),
            ("GET", Lifecycle, $"/api/engagement/bot/ghost-bot/lifecycle?{period}", Kore(jwt)),
            ("GET", Retention, $"/api/engagement/bot/st-demo/retention?{period}&interval=week", Kore(jwt)),
            ("GET", Retention, $"/api/engagement/bot/st-demo/retention?{period}&periods=0", Kore(jwt)),
            ("GET", Retention, $"/api/engagement/bot/st-demo/retention?{period}", Kore("not-a-jwt")),
            ("GET", Retention, $"/api/engagement/bot/not-granted/retention?{period}", Kore(jwt)),
            ("GET", Retention, $"/api/engagement/bot/ghost-bot/retention?{period}", Kore(jwt)),

            // The same routes asked for CSV: 200 answers text/csv, errors stay JSON.
            ("POST", V1, $"/api/public/bot/st-demo/userEngagementTrend?{period}", Csv(Kore(jwt))),
            ("POST", V1, $"/api/public/bot/st-demo/userEngagementTrend?{period}&aggregation_type=Daily", Csv(Kore(jwt))),
            ("POST", V2, $"/api/public/bot/st-demo/v2/userEngagementTrend?{period}", Csv(Kore(jwt))),
            ("POST", V2, $"/api/public/bot/st-demo/v2/userEngagementTrend?{period}&aggregation_type=daily", Csv(Kore(jwt))),
            ("POST", V2, $"/api/public/bot/ghost-bot/v2/userEngagementTrend?{period}", Csv(Kore(jwt))),
            ("GET", Hourly, Hourly + "?start=2025-12-04T00:00:00Z", Csv(Rocket("admin"))),
            ("GET", Weekly, Weekly + "?start=2025-12-04T00:00:00Z", Csv(Rocket("admin"))),
            ("GET", Weekly, Weekly + "?start=yesterday", Csv(Rocket("admin"))),
            ("GET", Account, "/analytics/statistics/account/*/0,2,8/day/7?format=series", Csv(Bearer("acme-account"))),
            ("GET", Bot, "/analytics/statistics/0,18/day/2", Csv(Bearer("acme-bot-s1"))),
            ("GET", Bot, "/analytics/statistics/0,18/day/2", Csv(Bearer("acme-bot-s1"))),
            ("POST", Ingest, Ingest, Csv(Events("ingest-key", $"[{event1}]"))),
            ("GET", Lifecycle, $"/api/engagement/bot/st-demo/lifecycle?{period}&aggregation=week", Csv(Kore(jwt))),
            ("GET", Retention, $"/api/engagement/bot/st-demo/retention?{period}", Csv(Kore(jwt))),
            ("GET", Retention, $"/api/engagement/bot/ghost-bot/retention?{period}", Csv(Kore(jwt))),
        ];

        var answered = new HashSet<(string, string, string)>();
        foreach (var (method, template, url, setup) in requests)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            setup(request);
            using var response = await _client.SendAsync(request);
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var body = await response.Content.ReadAsStringAsync();
            answered.Add((method, template, status));

            Operation(method, template).GetProperty("responses").TryGetProperty(status, out var documented).Should().BeTrue($"{method} {url} answered {status}, which {template} must document");
            var mediaType = response.Content.Headers.ContentType!.MediaType!;
            documented.GetProperty("content").TryGetProperty(mediaType, out var content).Should().BeTrue($"{method} {url} answered {status} {mediaType}, which {template} must document");
            if (mediaType == "text/csv")
            {
                // The description names the header the rows come under (24 hour keys, or an array's columns, elided).
                var header = body[..body.IndexOf('\r', StringComparison.Ordinal)];
                header = System.Text.RegularExpressions.Regex.Replace(header, @"(\w+)\[0\](,\1\[\d+\])*", "$1[0],...");
                content.GetProperty("schema").GetProperty("type").GetString().Should().Be("string");
                content.GetProperty("schema").GetProperty("description").GetString().Should().Contain(header.Contains(",1 - 2", StringComparison.Ordinal) ? header[..header.IndexOf(",1 - 2", StringComparison.Ordinal)] + ",...,23 - 0" : header);
                continue;
            }

            Problems(JsonDocument.Parse(body).RootElement, content.GetProperty("schema"), "$").Should().BeEmpty($"{method} {url} answered {status} {body}");
        }

        var documentedStatuses = MappedRoutes().SelectMany(r => Operation(r.Method, r.Path).GetProperty("responses").EnumerateObject().Select(s => (r.Method, r.Path, s.Name)));
        answered.Should().BeEquivalentTo(documentedStatuses, "every documented status is one a request got, and the other way round");

        static Action<HttpRequestMessage> Csv(Action<HttpRequestMessage> setup) => r =>
        {
            setup(r);
            r.Headers.Add("Accept", "text/csv");
        };

        static Action<HttpRequestMessage> Kore(string? token) => r =>
        {
            if (token is not null)
            {
                r.Headers.TryAddWithoutValidation("auth", token);
            }
        };

        static Action<HttpRequestMessage> Rocket(string? user) => r =>
        {
            if (user is not null)
            {
                r.Headers.Add("X-User-Id", user);
                r.Headers.Add("X-Auth-Token", "good");
            }
        };

        static Action<HttpRequestMessage> Bearer(string? token) => r =>
        {
            if (token is not null)
            {
                r.Headers.Authorization = new("Bearer", token);
            }
        };

        static Action<HttpRequestMessage> Events(string? key, string body) => r =>
        {
            if (key is not null)
            {
                r.Headers.Add("X-Api-Key", key);
            }

            r.Content = new StringContent(body, Encoding.UTF8, "application/json");
        };
    }

    [Fact]
    public void Text_csv_is_documented_on_the_200_answer_of_every_query_route_and_nowhere_else()
    {
        var withCsv = MappedRoutes()
            .SelectMany(r => Operation(r.Method, r.Path).GetProperty("responses").EnumerateObject()
                .Where(s => s.Value.GetProperty("content").TryGetProperty("text/csv", out _))
                .Select(s => $"{r.Method} {r.Path} {s.Name}"))
            .ToList();

        withCsv.Should().BeEquivalentTo(
            "POST /api/public/bot/{botId}/userEngagementTrend 200",
            "POST /api/public/bot/{streamId}/v2/userEngagementTrend 200",
            "GET /api/v1/engagement-dashboard/users/chat-busier/hourly-data 200",
            "GET /api/v1/engagement-dashboard/users/chat-busier/weekly-data 200",
            "GET /analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days} 200",
            "GET /analytics/statistics/{types}/{groupMode}/{days} 200",
            "GET /api/engagement/bot/{botId}/lifecycle 200",
            "GET /api/engagement/bot/{botId}/retention 200");
    }

    [Fact]
    public void Counts_and_percentages_are_JSON_numbers_also_inside_arrays()
    {
        JsonElement Resolve(JsonElement schema) => schema.TryGetProperty("$ref", out var reference)
            ? _document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..])
            : schema;
        JsonElement Answer(string path) => Resolve(Operation("GET", path).GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        static string[] Types(JsonElement schema) => schema.GetProperty("type").ValueKind == JsonValueKind.Array
            ? [.. schema.GetProperty("type").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal)]
            : [schema.GetProperty("type").GetString()!];

        var cohort = Resolve(Resolve(Answer("/api/engagement/bot/{botId}/retention").GetProperty("properties").GetProperty("cohorts")).GetProperty("items")).GetProperty("properties");
        var bucket = Resolve(Resolve(Answer("/api/engagement/bot/{botId}/lifecycle").GetProperty("properties").GetProperty("buckets")).GetProperty("items")).GetProperty("properties");

        Types(cohort.GetProperty("users")).Should().Equal("integer");
        Types(Resolve(cohort.GetProperty("retained").GetProperty("items"))).Should().Equal("integer");
        Types(Resolve(cohort.GetProperty("percent").GetProperty("items"))).Should().Equal("null", "number");
        foreach (var count in new[] { "new", "returning", "resurrecting", "dormant" })
        {
            Types(bucket.GetProperty(count)).Should().Equal("integer");
        }

        Problems(Parse("""{"bot":"b","timeZone":"UTC","interval":"day","start":"2025-12-01","end":"2025-12-01","cohorts":[{"cohort":"2025-12-01","users":1,"retained":["1"],"percent":[100]}]}"""), Answer("/api/engagement/bot/{botId}/retention"), "$")
            .Should().NotBeEmpty("a count is a JSON number");
    }

    [Fact]
    public void The_schema_check_refuses_what_the_documents_never_write()
    {
        var v1 = Operation("POST", "/api/public/bot/{botId}/userEngagementTrend").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var hour = string.Join(',', Enumerable.Range(0, 24).Select(h => $"\"{h} - {(h + 1) % 24}\":0"));
        Problems(Parse($$"""{"results":[{"date":"Dec 01 2025",{{hour}}}],"totalResults":1}"""), v1, "$").Should().BeEmpty();
        Problems(Parse("""{"results":[{"date":"Dec 01 2025","users":1}],"totalResults":1}"""), v1, "$").Should().BeEmpty();
        Problems(Parse("""{"results":[{"date":"Dec 01 2025","users":1}],"totalResults":"1"}"""), v1, "$").Should().NotBeEmpty("a count is a JSON number");
        Problems(Parse("""{"results":[{"date":"Dec 01 2025","0 - 1":0}],"totalResults":1}"""), v1, "$").Should().NotBeEmpty("an hourly point has all 24 keys");
        Problems(Parse("""{"results":[{"date":"2025-12-01","users":1}],"totalResults":1}"""), v1, "$").Should().NotBeEmpty("dates print MMM dd yyyy");
    }

    [Fact]
    public void Parameters_have_the_seeds_names_and_allowed_values()
    {
        static Dictionary<string, JsonElement> Parameters(JsonElement operation) =>
            operation.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        static string[] Enum(JsonElement parameter) => [.. parameter.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()!)];

        var v1 = Parameters(Operation("POST", "/api/public/bot/{botId}/userEngagementTrend"));
        v1.Keys.Should().BeEquivalentTo(["botId", "aggregation_type", "start_date", "end_date", "channels"]);
        Enum(v1["aggregation_type"]).Should().Equal("Hourly", "Daily");
        v1["start_date"].GetProperty("schema").GetProperty("format").GetString().Should().Be("date");

        var v2Operation = Operation("POST", "/api/public/bot/{streamId}/v2/userEngagementTrend");
        var v2 = Parameters(v2Operation);
        v2.Keys.Should().BeEquivalentTo(["streamId", "aggregation_type", "start_date", "end_date", "channels", "conversationType", "conversationStatus", "timeZoneOffset"]);
        Enum(v2["aggregation_type"]).Should().Equal("hourly", "daily");
        Enum(v2["conversationType"]).Should().Equal("All", "Interactive", "Non Interactive");
        Enum(v2["conversationStatus"]).Should().Equal("All", "Active", "Closed");
        v2.Values.Where(p => p.GetProperty("in").GetString() == "query").Where(p => HasProperty(p, "required") && p.GetProperty("required").GetBoolean()).Should().BeEmpty("each may come from the body instead");
        var filters = v2Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties").GetProperty("filters").GetProperty("properties");
        filters.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["aggregation_type", "start_date", "end_date", "channels", "channel", "conversationType", "conversationStatus", "timeZoneOffset"]);

        foreach (var path in new[] { "/api/v1/engagement-dashboard/users/chat-busier/hourly-data", "/api/v1/engagement-dashboard/users/chat-busier/weekly-data" })
        {
            var rocket = Parameters(Operation("GET", path));
            rocket.Keys.Should().BeEquivalentTo(["start", "timeZone", "botId"]);
            rocket["start"].GetProperty("required").GetBoolean().Should().BeTrue();
            rocket["start"].GetProperty("schema").GetProperty("format").GetString().Should().Be("date-time");
        }

        var account = Parameters(Operation("GET", "/analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days}"));
        account.Keys.Should().BeEquivalentTo(["apiKey", "types", "groupMode", "days", "timeZone", "format"]);
        Enum(account["format"]).Should().Equal("rows", "series");
        account.Values.Where(p => p.GetProperty("in").GetString() == "path").Should().HaveCount(4).And.OnlyContain(p => p.GetProperty("required").GetBoolean());
        Enum(account["groupMode"]).Should().Equal("hour", "day", "month", "year");
        var days = account["days"].GetProperty("schema");
        (days.GetProperty("type").GetString(), days.GetProperty("minimum").GetInt32(), days.GetProperty("maximum").GetInt32()).Should().Be(("integer", 1, 30));
        Parameters(Operation("GET", "/analytics/statistics/{types}/{groupMode}/{days}")).Keys.Should().BeEquivalentTo(["types", "groupMode", "days", "timeZone", "format"]);

        var ingest = Operation("POST", "/api/engagement/events");
        Enum(Parameters(ingest)["mode"]).Should().Equal("strict", "lenient");

        var lifecycle = Parameters(Operation("GET", "/api/engagement/bot/{botId}/lifecycle"));
        lifecycle.Keys.Should().BeEquivalentTo(["botId", "start_date", "end_date", "channels", "conversationType", "conversationStatus", "timeZoneOffset", "aggregation"]);
        Enum(lifecycle["aggregation"]).Should().Equal("hour", "day", "week", "month");
        lifecycle["start_date"].GetProperty("required").GetBoolean().Should().BeTrue("a GET has no body to give it in");
        lifecycle["end_date"].GetProperty("required").GetBoolean().Should().BeTrue();
        var retention = Parameters(Operation("GET", "/api/engagement/bot/{botId}/retention"));
        retention.Keys.Should().BeEquivalentTo(["botId", "start_date", "end_date", "channels", "conversationType", "conversationStatus", "timeZoneOffset", "interval", "periods"]);
        Enum(retention["interval"]).Should().Equal("day", "week");
        var periods = retention["periods"].GetProperty("schema");
        (periods.GetProperty("type").GetString(), periods.GetProperty("minimum").GetInt32(), periods.GetProperty("maximum").GetInt32()).Should().Be(("integer", 1, 1000));
        ingest.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name).Should().BeEquivalentTo(["application/json", "application/x-ndjson"]);
        var kinds = _document.GetProperty("components").GetProperty("schemas").GetProperty("InteractionEvent").GetProperty("properties").GetProperty("kind").GetProperty("enum");
        kinds.EnumerateArray().Select(k => k.GetString()).Should().Equal(InteractionKinds.Names);
    }

    [Fact]
    public async Task Every_documented_value_of_a_parameter_is_accepted()
    {
        var jwt = EndpointTests.Jwt("cs-app", Secret, Now.AddMinutes(5));
        foreach (var (path, url) in new[]
        {
            ("/api/public/bot/{botId}/userEngagementTrend", "/api/public/bot/st-demo/userEngagementTrend?start_date=2025-12-01&end_date=2025-12-05"),
            ("/api/public/bot/{streamId}/v2/userEngagementTrend", "/api/public/bot/st-demo/v2/userEngagementTrend?start_date=2025-12-01&end_date=2025-12-05"),
            ("/api/engagement/bot/{botId}/lifecycle", "/api/engagement/bot/st-demo/lifecycle?start_date=2025-12-01&end_date=2025-12-05"),
            ("/api/engagement/bot/{botId}/retention", "/api/engagement/bot/st-demo/retention?start_date=2025-12-01&end_date=2025-12-05"),
        })
        {
            var method = path.StartsWith("/api/engagement/", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post;
            foreach (var parameter in Operation(method.Method, path).GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("schema").TryGetProperty("enum", out _)))
            {
                foreach (var value in parameter.GetProperty("schema").GetProperty("enum").EnumerateArray())
                {
                    using var request = new HttpRequestMessage(method, $"{url}&{parameter.GetProperty("name").GetString()}={Uri.EscapeDataString(value.GetString()!)}");
                    request.Headers.TryAddWithoutValidation("auth", jwt);
                    using var response = await _client.SendAsync(request);
                    response.StatusCode.Should().Be(HttpStatusCode.OK, $"{parameter.GetProperty("name")}={value} is documented");
                }
            }
        }

        foreach (var mode in Operation("POST", "/api/engagement/events").GetProperty("parameters")[0].GetProperty("schema").GetProperty("enum").EnumerateArray())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/engagement/events?mode={mode.GetString()}") { Content = new StringContent("[]", Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Api-Key", "ingest-key");
            (await _client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public void Security_schemes_are_the_documented_header_conventions_and_each_family_requires_its_own()
    {
        var schemes = _document.GetProperty("components").GetProperty("securitySchemes");
        string Describe(string name)
        {
            var s = schemes.GetProperty(name);
            return s.GetProperty("type").GetString() == "http"
                ? $"http {s.GetProperty("scheme").GetString()}"
                : $"{s.GetProperty("type").GetString()} {s.GetProperty("in").GetString()} {s.GetProperty("name").GetString()}";
        }

        schemes.EnumerateObject().ToDictionary(s => s.Name, s => Describe(s.Name)).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            [EngagementOpenApi.KoreJwtScheme] = "apiKey header auth",
            [EngagementOpenApi.RocketChatUserScheme] = "apiKey header X-User-Id",
            [EngagementOpenApi.RocketChatTokenScheme] = "apiKey header X-Auth-Token",
            [EngagementOpenApi.StatisticsBearerScheme] = "http bearer",
            [EngagementOpenApi.IngestKeyScheme] = "apiKey header X-Api-Key",
        });

        string[] Required(string method, string path) => [.. Operation(method, path).GetProperty("security")[0].EnumerateObject().Select(p => p.Name)];
        Required("POST", "/api/public/bot/{botId}/userEngagementTrend").Should().Equal(EngagementOpenApi.KoreJwtScheme);
        Required("POST", "/api/public/bot/{streamId}/v2/userEngagementTrend").Should().Equal(EngagementOpenApi.KoreJwtScheme);
        Required("GET", "/api/v1/engagement-dashboard/users/chat-busier/weekly-data").Should().BeEquivalentTo([EngagementOpenApi.RocketChatUserScheme, EngagementOpenApi.RocketChatTokenScheme]);
        Required("GET", "/analytics/statistics/{types}/{groupMode}/{days}").Should().Equal(EngagementOpenApi.StatisticsBearerScheme);
        Required("POST", "/api/engagement/events").Should().Equal(EngagementOpenApi.IngestKeyScheme);
        Required("GET", "/api/engagement/bot/{botId}/lifecycle").Should().Equal(EngagementOpenApi.KoreJwtScheme);
        Required("GET", "/api/engagement/bot/{botId}/retention").Should().Equal(EngagementOpenApi.KoreJwtScheme);
    }

    private static bool HasProperty(JsonElement element, string name) => element.TryGetProperty(name, out _);

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    // A small JSON Schema check, enough for the document's keywords: $ref, oneOf, type, enum, pattern, required,
    // properties, additionalProperties: false, items.
    private IEnumerable<string> Problems(JsonElement value, JsonElement schema, string at)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = _document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var matches = oneOf.EnumerateArray().Count(s => !Problems(value, s, at).Any());
            return matches == 1 ? [] : [$"{at} matches {matches} of oneOf"];
        }

        var problems = new List<string>();
        if (schema.TryGetProperty("type", out var type))
        {
            string[] types = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];
            if (!types.Any(t => IsOfType(value, t)))
            {
                return [$"{at} is {value.ValueKind}, not {string.Join(" or ", types)}"];
            }
        }

        if (schema.TryGetProperty("enum", out var allowed) && !allowed.EnumerateArray().Any(a => a.ToString() == value.ToString()))
        {
            problems.Add($"{at} = {value} is not one of {allowed}");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && value.ValueKind == JsonValueKind.String
            && !System.Text.RegularExpressions.Regex.IsMatch(value.GetString()!, pattern.GetString()!))
        {
            problems.Add($"{at} = {value} does not match {pattern}");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema.TryGetProperty("properties", out var p) ? p : default;
            foreach (var required in schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(x => x.GetString()!) : [])
            {
                if (!value.TryGetProperty(required, out _))
                {
                    problems.Add($"{at}.{required} is missing");
                }
            }

            foreach (var property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                {
                    problems.AddRange(Problems(property.Value, propertySchema, $"{at}.{property.Name}"));
                }
                else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
                {
                    problems.Add($"{at}.{property.Name} is not allowed");
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                problems.AddRange(Problems(item, items, $"{at}[{i++}]"));
            }
        }

        return problems;
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => false,
    };
}
