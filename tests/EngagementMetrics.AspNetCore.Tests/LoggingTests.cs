using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>What the routes and handlers log through ILogger: ingest summaries and rejections, refused credentials without the credentials.</summary>
public sealed class LoggingTests : IAsyncLifetime
{
    private const string Secret = "logging-test-client-secret-01234";
    private readonly CapturingLoggerProvider _logs = new();
    private SampleHostFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new SampleHostFactory(new Dictionary<string, string?>
        {
            ["EngagementMetrics:Endpoints:KoreApps:0:AppId"] = "log-app",
            ["EngagementMetrics:Endpoints:KoreApps:0:ClientSecret"] = Secret,
            ["EngagementMetrics:Endpoints:KoreApps:0:Bots:0"] = "*",
            ["EngagementMetrics:Endpoints:IngestApiKeys:0"] = "the-ingest-key-value",
            ["Sample:Credentials:RocketChatUsers:0:UserId"] = "admin",
            ["Sample:Credentials:RocketChatUsers:0:Token"] = "the-right-rocket-token",
            ["Sample:Credentials:RocketChatUsers:0:Permissions:0"] = "view-engagement-dashboard",
        });
        var logged = _factory.WithWebHostBuilder(builder => builder
            .UseSetting("Logging:LogLevel:Default", "Debug")
            .ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(_logs)));
        _client = logged.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task An_ingest_request_logs_a_summary_and_each_rejected_record_at_debug()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events?mode=lenient")
        {
            Content = new StringContent("""{"botId":"b","userId":"u","kind":"message_in","timestamp":"2025-01-01T00:00:00Z"}""" + "\n" + """{"botId":"b","userId":"u","kind":"shout","timestamp":"2025-01-01T00:00:00Z"}""" + "\n", Encoding.UTF8, "application/x-ndjson"),
        };
        request.Headers.Add("X-Api-Key", "the-ingest-key-value");

        (await _client.SendAsync(request)).EnsureSuccessStatusCode();

        _logs.Entries.Should().ContainSingle(e => e.Category == EngagementEndpointsLog.Ingest && e.Level == LogLevel.Information)
            .Which.Message.Should().Be("Ingest: 1 stored, 0 duplicates, 1 rejected (JSON Lines, lenient)");
        _logs.Entries.Should().ContainSingle(e => e.Category == EngagementEndpointsLog.Ingest && e.Level == LogLevel.Debug)
            .Which.Message.Should().StartWith("Ingest rejected line 2: kind: 'shout' is not a known kind");
    }

    [Fact]
    public async Task Refused_credentials_are_logged_with_the_reason_and_never_the_credentials()
    {
        var forged = EndpointTests.Jwt("log-app", "a-wrong-secret-of-some-length-000", DateTimeOffset.UtcNow.AddMinutes(5));
        using (var kore = new HttpRequestMessage(HttpMethod.Post, "/api/public/bot/b/v2/userEngagementTrend?start_date=2025-01-01&end_date=2025-01-02"))
        {
            kore.Headers.Add("auth", forged);
            (await _client.SendAsync(kore)).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        }

        using (var rocket = new HttpRequestMessage(HttpMethod.Get, "/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z"))
        {
            rocket.Headers.Add("X-User-Id", "admin");
            rocket.Headers.Add("X-Auth-Token", "a-guessed-rocket-token");
            (await _client.SendAsync(rocket)).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        }

        using (var ingest = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events") { Content = new StringContent("[]", Encoding.UTF8, "application/json") })
        {
            ingest.Headers.Add("X-Api-Key", "a-guessed-ingest-key");
            (await _client.SendAsync(ingest)).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        }

        var text = string.Join("\n", _logs.Entries.Select(e => e.Message));
        _logs.Entries.Should().Contain(e => e.Category.StartsWith("EngagementMetrics.AspNetCore", StringComparison.Ordinal) && e.Message.Contains("signature", StringComparison.OrdinalIgnoreCase), text);
        foreach (var secret in new[] { forged, forged.Split('.')[2], Secret, "a-wrong-secret-of-some-length-000", "a-guessed-rocket-token", "the-right-rocket-token", "a-guessed-ingest-key", "the-ingest-key-value" })
        {
            text.Should().NotContain(secret);
        }
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
        }
    }
}

/// <summary>The log categories the routes write to.</summary>
internal static class EngagementEndpointsLog
{
    public const string Ingest = Microsoft.AspNetCore.Builder.EngagementEndpoints.IngestLogCategory;
}
