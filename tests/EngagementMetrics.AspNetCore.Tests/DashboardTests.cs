using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// The dashboard in a host of its own (as a host app maps it): secured by the host's policy, each user seeing their
/// bots, the same numbers as the engine, a CSV per chart equal to the API's CSV, and one-line errors for bad input.
/// (The browser tests, in the CLI tests, load it in Chromium.)
/// </summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient _http = null!;
    private InMemoryInteractionStore _store = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddEngagementMetrics().UseInMemoryStore();
        builder.Services.AddAuthentication("test").AddScheme<AuthenticationSchemeOptions, HeaderUser>("test", null);
        builder.Services.AddAuthorizationBuilder().AddPolicy("analytics", p => p.RequireClaim("role", "analytics"));
        builder.Services.Configure<EngagementDashboardOptions>(o =>
        {
            o.BotsForUser = (context, _) => ValueTask.FromResult<IReadOnlyList<string>>(context.User.Identity?.Name == "ana" ? ["bot-a", "bot-b"] : ["bot-b"]);
            o.DefaultTimeZone = "Asia/Kolkata";
            o.DefaultStartDate = new DateOnly(2025, 12, 1);
            o.DefaultEndDate = new DateOnly(2025, 12, 3);
        });
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapEngagementDashboard("/dashboard").RequireAuthorization("analytics");
        await _app.StartAsync();
        _http = _app.GetTestClient();
        _store = (InMemoryInteractionStore)_app.Services.GetRequiredService<IInteractionStore>();
        await _store.AppendAsync(
        [
            Event("bot-a", "u1", "2025-11-30T20:00:00Z", "rtm"), // 2025-12-01 01:30 in Kolkata
            Event("bot-a", "u2", "2025-12-01T10:00:00Z", "slack"),
            Event("bot-a", "u1", "2025-12-02T10:00:00Z", "rtm"),
            Event("bot-b", "u9", "2025-12-02T10:00:00Z", "rtm"),
        ]);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_host_policy_guards_every_dashboard_route()
    {
        foreach (var path in new[] { "/dashboard/", "/dashboard/panels", "/dashboard/csv/trend", "/dashboard/assets/dashboard.js" })
        {
            (await _http.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
            (await SendAsync(path, "bo", role: "support")).StatusCode.Should().Be(HttpStatusCode.Forbidden, path);
        }
    }

    [Fact]
    public async Task The_page_shows_the_engines_numbers_for_the_users_first_bot_under_a_strict_policy()
    {
        using var response = await SendAsync("/dashboard/", "ana");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("default-src 'none'").And.Contain("script-src 'self'");
        html.Should().Contain("<option selected>bot-a</option><option>bot-b</option>");
        var trend = await new EngagementEngine(_store).GetTrendAsync(new TrendQuery { BotId = "bot-a", StartDate = new(2025, 12, 1), EndDate = new(2025, 12, 3), TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"), Aggregation = TrendAggregation.Daily });
        trend.Summary.UniqueUsers.Should().Be(2);
        html.Should().Contain($"data-metric=\"uniqueUsers\"><span class=\"card-label\">Unique users</span><span class=\"card-value\">{trend.Summary.UniqueUsers}</span>")
            .And.Contain($"data-metric=\"returningUsers\"><span class=\"card-label\">Returning users</span><span class=\"card-value\">{trend.Summary.ReturningUsers}</span>");
        html.Should().Contain("<svg class=\"chart\"").And.Contain("<title id=\"trend-title\">").And.NotContain("<script>", "no inline script (the policy forbids it)");
    }

    [Fact]
    public async Task A_user_sees_only_their_bots_and_another_bot_is_not_found()
    {
        var page = await (await SendAsync("/dashboard/", "bo")).Content.ReadAsStringAsync();
        page.Should().Contain("<option selected>bot-b</option>").And.NotContain("bot-a");

        using var other = await SendAsync("/dashboard/?bot=bot-a", "bo");
        other.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.Content.ReadAsStringAsync()).Should().Contain("role=\"alert\">bot &#x27;bot-a&#x27; is not one you may read</p>");
    }

    [Fact]
    public async Task Each_charts_csv_is_the_apis_csv_of_the_same_query()
    {
        const string query = "?bot=bot-a&start=2025-12-01&end=2025-12-02&aggregation=hourly&tz=Asia/Kolkata&channels=rtm";
        using var response = await SendAsync("/dashboard/csv/trend" + query, "ana");
        var csv = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be(EngagementCsv.ContentType);
        response.Content.Headers.ContentDisposition!.FileName.Should().Be("bot-a-trend-2025-12-01-2025-12-02.csv");
        var trend = await new EngagementEngine(_store).GetTrendAsync(new TrendQuery
        {
            BotId = "bot-a", StartDate = new(2025, 12, 1), EndDate = new(2025, 12, 2), TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"),
            Aggregation = TrendAggregation.Hourly, Channels = ["rtm"],
        });
        csv.Should().Be(EngagementCsv.KoreV2(trend).ToCsv());
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.Should().BeGreaterThan(1);

        using (var lifecycle = await SendAsync("/dashboard/csv/lifecycle" + query, "ana"))
        {
            var report = await new EngagementEngine(_store).GetLifecycleAsync(new EngagementMetrics.Lifecycle.LifecycleQuery
            {
                BotId = "bot-a", StartDate = new(2025, 12, 1), EndDate = new(2025, 12, 2), TimeZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"),
                Aggregation = EngagementMetrics.Lifecycle.LifecycleAggregation.Hour, Channels = ["rtm"],
            });
            (await lifecycle.Content.ReadAsStringAsync()).Should().Be(EngagementCsv.Lifecycle(report).ToCsv()).And.StartWith("period,new,returning,resurrecting,dormant\r\n");
        }

        foreach (var chart in new[] { "retention", "busier-hourly", "busier-weekly", "statistics" })
        {
            using var other = await SendAsync($"/dashboard/csv/{chart}{query}", "ana");
            other.StatusCode.Should().Be(HttpStatusCode.OK, chart);
            (await other.Content.ReadAsStringAsync()).Should().Contain("\r\n", chart);
        }

        (await SendAsync("/dashboard/csv/pie" + query, "ana")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("?end=2025-12-40", "end")]
    [InlineData("?tz=Mars/Olympus", "tz")]
    [InlineData("?aggregation=weekly", "aggregation")]
    [InlineData("?start=2025-12-05&end=2025-12-01", "end 2025-12-01 is before start 2025-12-05")]
    [InlineData("?type=sometimes", "type")]
    public async Task Bad_input_is_a_400_with_one_line_naming_the_field(string query, string named)
    {
        using var response = await SendAsync("/dashboard/panels" + query, "ana");
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        html.Should().StartWith("<p class=\"error\" role=\"alert\">").And.Contain(HtmlEncoder.Default.Encode(named)).And.NotContain("\n");
        (await SendAsync("/dashboard/csv/trend" + query, "ana")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_page_address_without_a_slash_redirects_so_relative_links_resolve()
    {
        using var response = await SendAsync("/dashboard?bot=bot-b", "ana");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/dashboard/?bot=bot-b");
    }

    [Fact]
    public async Task Assets_come_from_the_assembly()
    {
        foreach (var (name, type) in new[] { ("dashboard.css", "text/css"), ("dashboard.js", "text/javascript"), ("icon.svg", "image/svg+xml") })
        {
            using var response = await SendAsync("/dashboard/assets/" + name, "ana");
            response.StatusCode.Should().Be(HttpStatusCode.OK, name);
            response.Content.Headers.ContentType!.MediaType.Should().Be(type);
            (await response.Content.ReadAsByteArrayAsync()).Length.Should().BeGreaterThan(100);
        }

        (await SendAsync("/dashboard/assets/other.js", "ana")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private Task<HttpResponseMessage> SendAsync(string path, string user, string role = "analytics")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Test-User", user);
        request.Headers.Add("X-Test-Role", role);
        return _http.SendAsync(request);
    }

    private static InteractionEvent Event(string bot, string user, string at, string channel) => new()
    {
        BotId = bot, UserId = user, Timestamp = DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), Kind = InteractionKind.MessageIn, Channel = channel,
    };

    // The host's own sign-in, standing in for cookies or OpenID Connect: a user and a role from headers.
    private sealed class HeaderUser(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue("X-Test-User", out var user)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString()), new Claim("role", Request.Headers["X-Test-Role"].ToString())], "test")), "test"))
                : AuthenticateResult.NoResult());
    }
}
