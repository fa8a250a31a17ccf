using System.Net;
using System.Text;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Microsoft.Extensions.DependencyInjection;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// A bounded load on the sample host as served (its default SQLite store, through <see cref="SampleHostFactory"/>):
/// concurrent ingest requests (with overlapping event ids) and trend queries, a fixed number of requests; then no
/// request failed and the totals are exact.
/// </summary>
public sealed class LoadTests : IAsyncLifetime
{
    private SampleHostFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new SampleHostFactory(new Dictionary<string, string?>
        {
            ["EngagementMetrics:Endpoints:IngestApiKeys:0"] = "k",
            ["EngagementMetrics:Endpoints:KoreApps:0:AppId"] = "load",
            ["EngagementMetrics:Endpoints:KoreApps:0:ClientSecret"] = "load-secret-0123456789",
            ["EngagementMetrics:Endpoints:KoreApps:0:Bots:0"] = "*",
        });
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_ingest_and_queries_lose_nothing_and_count_nothing_twice()
    {
        const int Writers = 6, RequestsPerWriter = 15, EventsPerRequest = 40;
        var origin = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

        // Writer w sends requests r = 0..14; writers w and w+3 send the same event ids (and events), so half are duplicates.
        string Body(int writer, int request) => "[" + string.Join(',', Enumerable.Range(0, EventsPerRequest).Select(i =>
        {
            var n = ((writer % 3) * RequestsPerWriter * EventsPerRequest) + (request * EventsPerRequest) + i;
            return $$"""{"eventId":"e{{n}}","botId":"load-bot","userId":"u{{n % 500}}","timestamp":"{{origin.AddMinutes(n * 7):yyyy-MM-ddTHH:mm:ssZ}}","kind":"message_in"}""";
        })) + "]";

        var failures = 0;
        var stored = 0;
        var duplicates = 0;
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var r = 0; r < RequestsPerWriter; r++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events") { Content = new StringContent(Body(w, r), Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Api-Key", "k");
                using var response = await _client.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }

                using var json = System.Text.Json.JsonDocument.Parse(text);
                Interlocked.Add(ref stored, json.RootElement.GetProperty("stored").GetInt32());
                Interlocked.Add(ref duplicates, json.RootElement.GetProperty("duplicates").GetInt32());
            }
        }));
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            for (var q = 0; q < 20; q++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/public/bot/load-bot/v2/userEngagementTrend?aggregation_type=daily&start_date=2025-06-01&end_date=2025-06-30");
                request.Headers.Add("auth", EndpointTests.Jwt("load", "load-secret-0123456789", DateTimeOffset.UtcNow.AddMinutes(5)));
                using var response = await _client.SendAsync(request);
                if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));

        await Task.WhenAll(writers.Concat(readers));

        var unique = 3 * RequestsPerWriter * EventsPerRequest;
        failures.Should().Be(0);
        stored.Should().Be(unique, "every distinct event id is stored once");
        duplicates.Should().Be((Writers * RequestsPerWriter * EventsPerRequest) - unique);
        var trend = await _factory.Services.GetRequiredService<EngagementEngine>().GetTrendAsync(new TrendQuery
        {
            BotId = "load-bot",
            StartDate = new DateOnly(2025, 6, 1),
            EndDate = new DateOnly(2025, 6, 30),
            TimeZone = TimeZoneParser.Parse("UTC"),
            Aggregation = TrendAggregation.Daily,
        });
        trend.Summary.UniqueUsers.Should().Be(500);
        trend.Buckets.Sum(b => b.UniqueUsers).Should().BeGreaterThan(500);
    }
}
