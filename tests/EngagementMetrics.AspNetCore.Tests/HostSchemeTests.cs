using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>Authentication stays the host's choice: its own scheme works when it issues the same claims.</summary>
public sealed class HostSchemeTests
{
    private sealed class HostHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers["X-Host-User"].ToString() == "alice"
                ? AuthenticateResult.Success(new AuthenticationTicket(
                    new ClaimsPrincipal(new ClaimsIdentity([new Claim(EngagementAuthentication.BotClaim, "st-demo")], "Host")), "Host"))
                : AuthenticateResult.NoResult());
    }

    [Fact]
    public async Task A_host_scheme_issuing_the_claims_replaces_the_built_in_one()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddEngagementMetrics().UseInMemoryStore();
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, HostHandler>("Host", null);
        builder.Services.AddAuthorization();
        builder.Services.Configure<EngagementEndpointOptions>(o => o.KoreSchemes = "Host");
        await using var app = builder.Build();
        app.MapKoreTrendEndpoints();
        app.MapLifecycleEndpoints();
        await app.StartAsync();
        await app.Services.GetRequiredService<IInteractionStore>().AppendAsync(
            [new InteractionEvent { BotId = "st-demo", UserId = "u", Timestamp = new DateTimeOffset(2025, 12, 2, 10, 0, 0, TimeSpan.Zero), Kind = InteractionKind.MessageIn }]);
        using var client = app.GetTestClient();

        Task<HttpStatusCode> PostAsync(string bot, string? user) => SendAsync(HttpMethod.Post, $"/api/public/bot/{bot}/v2/userEngagementTrend?start_date=2025-12-01&end_date=2025-12-05", user);

        async Task<HttpStatusCode> SendAsync(HttpMethod method, string url, string? user)
        {
            using var request = new HttpRequestMessage(method, url);
            if (user is not null)
            {
                request.Headers.Add("X-Host-User", user);
            }

            return (await client.SendAsync(request)).StatusCode;
        }

        (await PostAsync("st-demo", "alice")).Should().Be(HttpStatusCode.OK);
        (await PostAsync("other-bot", "alice")).Should().Be(HttpStatusCode.Forbidden);
        (await PostAsync("st-demo", null)).Should().Be(HttpStatusCode.Unauthorized);

        // The lifecycle and retention routes are authorised like the Kore.ai ones: the same schemes and bot claims.
        foreach (var question in new[] { "lifecycle", "retention" })
        {
            (await SendAsync(HttpMethod.Get, $"/api/engagement/bot/st-demo/{question}?start_date=2025-12-01&end_date=2025-12-05", "alice")).Should().Be(HttpStatusCode.OK);
            (await SendAsync(HttpMethod.Get, $"/api/engagement/bot/other-bot/{question}?start_date=2025-12-01&end_date=2025-12-05", "alice")).Should().Be(HttpStatusCode.Forbidden);
            (await SendAsync(HttpMethod.Get, $"/api/engagement/bot/st-demo/{question}?start_date=2025-12-01&end_date=2025-12-05", null)).Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public void Mapping_without_authentication_is_a_clear_error()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddEngagementMetrics().UseInMemoryStore();
        using var app = builder.Build();

        var act = () => app.MapEngagementMetrics();

        act.Should().Throw<InvalidOperationException>().WithMessage("*AddAuthentication().AddEngagementMetricsSchemes()*");
    }
}
