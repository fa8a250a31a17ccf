using System.Net;
using EngagementMetrics.Events;
using EngagementMetrics.Json;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Storage;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Microsoft.Extensions.DependencyInjection;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// <c>GET /api/engagement/bot/{botId}/lifecycle</c> and <c>/retention</c> of the sample host (docs/aspnetcore.md):
/// the engine's documents, CSV on request, the Kore.ai authorisation and error documents.
/// </summary>
public sealed class LifecycleEndpointTests : IAsyncLifetime
{
    private const string Lifecycle = "/api/engagement/bot/st-demo/lifecycle";
    private const string Retention = "/api/engagement/bot/st-demo/retention";
    private const string Period = "start_date=2025-12-01&end_date=2025-12-21";
    private static readonly string Jwt = EndpointTests.Jwt("cs-app", EndpointTests.Secret, EndpointTests.Now.AddMinutes(5));
    private SampleHostFactory _factory = null!;
    private HttpClient _client = null!;
    private EngagementEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _factory = new SampleHostFactory(EndpointTests.Settings(), new EndpointTests.Clock(EndpointTests.Now));
        _client = _factory.CreateClient();
        await _factory.Services.GetRequiredService<IInteractionStore>().AppendAsync(History());
        _engine = _factory.Services.GetRequiredService<EngagementEngine>();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    // Five weeks of a bot's users, one arriving every other day, then back on some days, on two channels; some
    // conversations closed.
    private static List<InteractionEvent> History()
    {
        var random = new Random(7);
        var events = new List<InteractionEvent>();
        for (var day = 0; day < 35; day++)
        {
            for (var user = 0; user < 16; user++)
            {
                if (day == user * 2 || (day > user * 2 && random.NextDouble() < 0.35))
                {
                    var at = new DateTimeOffset(2025, 11, 20, 0, 0, 0, TimeSpan.Zero).AddDays(day).AddMinutes(random.Next(24 * 60));
                    var conversation = $"c{day}-{user}";
                    var channel = user % 3 == 0 ? "slack" : "rtm";
                    events.Add(new InteractionEvent { BotId = "st-demo", UserId = $"u{user}", ConversationId = conversation, Channel = channel, Timestamp = at, Kind = InteractionKind.MessageIn });
                    if (random.NextDouble() < 0.5)
                    {
                        events.Add(new InteractionEvent { BotId = "st-demo", ConversationId = conversation, Channel = channel, Timestamp = at.AddMinutes(3), Kind = InteractionKind.ConversationClosed });
                    }
                }
            }
        }

        return events;
    }

    private async Task<(HttpStatusCode Status, string? MediaType, string Body)> GetAsync(string url, string? token = null, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("auth", token);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await _client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static LifecycleQuery LifecycleQuery() => new() { BotId = "st-demo", StartDate = new DateOnly(2025, 12, 1), EndDate = new DateOnly(2025, 12, 21) };

    private static RetentionQuery RetentionQuery() => new() { BotId = "st-demo", StartDate = new DateOnly(2025, 12, 1), EndDate = new DateOnly(2025, 12, 21) };

    public static TheoryData<string, string> LifecycleCases => new()
    {
        { string.Empty, "default: daily, UTC" },
        { "&aggregation=hour&timeZoneOffset=Asia/Kolkata", "hour" },
        { "&aggregation=WEEK", "week" },
        { "&aggregation=month&timeZoneOffset=America/New_York&channels=slack", "month" },
        { "&conversationStatus=closed&conversationType=interactive&channels=RTM", "filters" },
    };

    private static LifecycleQuery Expected(string parameters) => parameters switch
    {
        "" => LifecycleQuery(),
        "&aggregation=hour&timeZoneOffset=Asia/Kolkata" => LifecycleQuery() with { Aggregation = LifecycleAggregation.Hour, TimeZone = TimeZoneParser.Parse("Asia/Kolkata") },
        "&aggregation=WEEK" => LifecycleQuery() with { Aggregation = LifecycleAggregation.Week },
        "&aggregation=month&timeZoneOffset=America/New_York&channels=slack" => LifecycleQuery() with { Aggregation = LifecycleAggregation.Month, TimeZone = TimeZoneParser.Parse("America/New_York"), Channels = ["slack"] },
        _ => LifecycleQuery() with { ConversationStatus = ConversationStatusFilter.Closed, ConversationType = ConversationTypeFilter.Interactive, Channels = ["RTM"] },
    };

    [Theory]
    [MemberData(nameof(LifecycleCases))]
    public async Task Lifecycle_answers_the_engines_document_as_JSON_and_its_rows_as_CSV(string parameters, string because)
    {
        var report = await _engine.GetLifecycleAsync(Expected(parameters));

        var json = await GetAsync($"{Lifecycle}?{Period}{parameters}", Jwt);
        var csv = await GetAsync($"{Lifecycle}?{Period}{parameters}", Jwt, "text/csv");

        json.Status.Should().Be(HttpStatusCode.OK, json.Body);
        json.MediaType.Should().Be("application/json");
        json.Body.Should().Be(LifecycleJson.Serialize(report, indented: false), because);
        report.Buckets.Sum(b => b.Active + b.Dormant).Should().BeGreaterThan(0, "the question has an answer to get wrong");
        csv.Status.Should().Be(HttpStatusCode.OK);
        csv.MediaType.Should().Be("text/csv");
        csv.Body.Should().StartWith("period,new,returning,resurrecting,dormant\r\n").And.Be(EngagementCsv.Lifecycle(report).ToCsv());
        Rfc4180.Parse(System.Text.Encoding.UTF8.GetBytes(csv.Body)).Should().BeEquivalentTo(DocumentRows.Read(json.Body, "lifecycle"), o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData("", RetentionInterval.Day, 8)]
    [InlineData("&interval=week", RetentionInterval.Week, 8)]
    [InlineData("&interval=Day&periods=30&channels=slack", RetentionInterval.Day, 30)]
    [InlineData("&periods=2&timeZoneOffset=%2B05:30", RetentionInterval.Day, 2)]
    public async Task Retention_answers_the_engines_document_as_JSON_and_its_rows_as_CSV(string parameters, RetentionInterval interval, int periods)
    {
        var query = RetentionQuery() with
        {
            Interval = interval,
            Periods = periods,
            Channels = parameters.Contains("slack", StringComparison.Ordinal) ? ["slack"] : null,
            TimeZone = parameters.Contains("05:30", StringComparison.Ordinal) ? TimeZoneParser.Parse("+05:30") : TimeZoneInfo.Utc,
        };
        var report = await _engine.GetRetentionAsync(query);

        var json = await GetAsync($"{Retention}?{Period}{parameters}", Jwt);
        var csv = await GetAsync($"{Retention}?{Period}{parameters}", Jwt, "text/csv");

        json.Status.Should().Be(HttpStatusCode.OK, json.Body);
        json.Body.Should().Be(LifecycleJson.Serialize(report, indented: false));
        report.Cohorts.Should().Contain(c => c.Users > 0 && c.Retained.Skip(1).Any(r => r > 0), "the question has an answer to get wrong");
        csv.MediaType.Should().Be("text/csv");
        csv.Body.Should().StartWith("cohort,users,retained[0],").And.Be(EngagementCsv.Retention(report).ToCsv());
        Rfc4180.Parse(System.Text.Encoding.UTF8.GetBytes(csv.Body)).Should().BeEquivalentTo(DocumentRows.Read(json.Body, "retention"), o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData(Lifecycle)]
    [InlineData(Retention)]
    public async Task Without_a_valid_token_it_is_401_and_for_a_bot_the_app_may_not_read_403(string route)
    {
        var anonymous = await GetAsync($"{route}?{Period}");
        var forged = await GetAsync($"{route}?{Period}", EndpointTests.Jwt("cs-app", "not-the-client-secret-0123456789", EndpointTests.Now.AddMinutes(5)));
        var expired = await GetAsync($"{route}?{Period}", EndpointTests.Jwt("cs-app", EndpointTests.Secret, EndpointTests.Now.AddHours(-1)));
        var otherApp = await GetAsync($"{route}?{Period}", EndpointTests.Jwt("other-app", "another-secret-abcdefghijkl", EndpointTests.Now.AddMinutes(5)));
        var notGranted = await GetAsync($"{route.Replace("st-demo", "other-bot", StringComparison.Ordinal)}?{Period}", Jwt, "text/csv");

        foreach (var answer in new[] { anonymous, forged, expired })
        {
            answer.Status.Should().Be(HttpStatusCode.Unauthorized);
            answer.MediaType.Should().Be("application/json");
            answer.Body.Should().StartWith("{\"errors\":[{\"msg\":").And.EndWith(",\"code\":401}]}");
        }

        otherApp.Status.Should().Be(HttpStatusCode.Forbidden);
        otherApp.Body.Should().Be("""{"errors":[{"msg":"The app is not allowed to read bot 'st-demo'","code":403}]}""");
        notGranted.Status.Should().Be(HttpStatusCode.Forbidden);
        notGranted.MediaType.Should().Be("application/json", "errors stay JSON");
        notGranted.Body.Should().Be("""{"errors":[{"msg":"The app is not allowed to read bot 'other-bot'","code":403}]}""");
    }

    [Theory]
    [InlineData(Lifecycle, "&aggregation=year", "invalid aggregation 'year': expected hour, day, week or month")]
    [InlineData(Lifecycle, "&aggregation=hourly", "invalid aggregation 'hourly'")]
    [InlineData(Lifecycle, "&timeZoneOffset=330", "invalid timeZoneOffset '330'")]
    [InlineData(Lifecycle, "&conversationStatus=open", "conversationStatus")]
    [InlineData(Retention, "&interval=month", "invalid interval 'month': expected day or week")]
    [InlineData(Retention, "&periods=0", "invalid periods '0': expected a whole number from 1 to 1000")]
    [InlineData(Retention, "&periods=1001", "invalid periods '1001'")]
    [InlineData(Retention, "&conversationType=sometimes", "conversationType")]
    [InlineData(Retention, "&channels=rtm&timeZoneOffset=Mars/Base", "invalid timeZoneOffset 'Mars/Base'")]
    public async Task A_bad_parameter_is_400_naming_it_and_its_value(string route, string parameters, string message)
    {
        var answer = await GetAsync($"{route}?{Period}{parameters}", Jwt, "text/csv");

        answer.Status.Should().Be(HttpStatusCode.BadRequest);
        answer.MediaType.Should().Be("application/json");
        answer.Body.Should().StartWith("{\"errors\":[{\"msg\":\"").And.Contain(message).And.EndWith("\",\"code\":400}]}");
    }

    [Theory]
    [InlineData(Lifecycle)]
    [InlineData(Retention)]
    public async Task The_period_is_read_and_refused_by_the_Kore_names(string route)
    {
        var missing = await GetAsync($"{route}?end_date=2025-12-21", Jwt);
        var malformed = await GetAsync($"{route}?start_date=2025-12-01&end_date=2025-13-01", Jwt);
        var reversed = await GetAsync($"{route}?start_date=2025-12-09&end_date=2025-11-20", Jwt);
        var tooLong = await GetAsync($"{route}?start_date=2024-12-01&end_date=2025-12-21", Jwt);
        var outOfRange = await GetAsync($"{route}?start_date=0001-01-01&end_date=0001-01-02", Jwt);

        missing.Status.Should().Be(HttpStatusCode.BadRequest);
        missing.Body.Should().Contain("start_date");
        malformed.Body.Should().Contain("invalid end_date '2025-13-01'");
        reversed.Body.Should().Be("""{"errors":[{"msg":"end_date 2025-11-20 is before start_date 2025-12-09","code":400}]}""");
        tooLong.Body.Should().Be("""{"errors":[{"msg":"invalid end_date '2025-12-21': the period 2024-12-01 to 2025-12-21 is 386 days; at most 366 are allowed","code":400}]}""");
        outOfRange.Body.Should().Be("""{"errors":[{"msg":"invalid start_date '0001-01-01': dates must lie between years 2 and 9998","code":400}]}""");
        foreach (var answer in new[] { missing, malformed, reversed, tooLong, outOfRange })
        {
            answer.Status.Should().Be(HttpStatusCode.BadRequest);
        }
    }

    [Theory]
    [InlineData(Lifecycle)]
    [InlineData(Retention)]
    public async Task A_granted_bot_without_events_is_404(string route)
    {
        var answer = await GetAsync($"{route.Replace("st-demo", "ghost-bot", StringComparison.Ordinal)}?{Period}", Jwt);

        answer.Status.Should().Be(HttpStatusCode.NotFound);
        answer.Body.Should().Be("""{"errors":[{"msg":"Bot 'ghost-bot' was not found","code":404}]}""");
    }
}
