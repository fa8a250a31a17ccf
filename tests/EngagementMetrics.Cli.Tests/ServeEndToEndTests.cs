using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary>Starts the real <c>engagement serve</c> process on a free loopback port and drives it over HTTP.</summary>
public sealed class ServeEndToEndTests : IDisposable
{
    internal const string Secret = "e2e-client-secret-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("em-serve-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static string Data(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));

    private static string Minified(string name) => MinifiedJson(Data(name));

    /// <summary>A JSON text without whitespace, as the routes answer (relaxed escaping).</summary>
    internal static string MinifiedJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A Kore.ai auth header for app <c>e2e</c>, signed with <see cref="Secret"/>, valid for ten minutes.</summary>
    internal static string Jwt()
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = B64(Encoding.UTF8.GetBytes($$"""{"appId":"e2e","exp":{{DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()}}}"""));
        return $"{header}.{payload}.{B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes(header + "." + payload)))}";
    }

    [Fact]
    public async Task Serve_answers_every_documented_route_after_an_ingest()
    {
        var settings = new Dictionary<string, string>
        {
            ["KoreApps__0__AppId"] = "e2e",
            ["KoreApps__0__ClientSecret"] = Secret,
            ["KoreApps__0__Bots__0"] = "*",
            ["IngestApiKeys__0"] = "e2e-ingest",
            ["RocketChatBotId"] = "rc-demo",
            ["RocketChatUsers__0__UserId"] = "admin",
            ["RocketChatUsers__0__Token"] = "rc-token",
            ["RocketChatUsers__0__Permissions__0"] = "view-engagement-dashboard",
            ["StatisticsTokens__0__Token"] = "stats-token",
            ["StatisticsTokens__0__AccountId"] = "default",
        };

        await using var serve = await ServeProcess.StartAsync(_directory, settings);
        File.Exists(Path.Combine(_directory, "engagement.db")).Should().BeTrue("the embedded SQLite store is the default");
        var http = serve.Http;

        (await http.GetStringAsync("/healthz")).Should().Be(
            $$"""{"status":"Healthy","checks":[{"name":"engagement-store","status":"Healthy","store":"SQLite file '{{Path.Combine(_directory, "engagement.db")}}'","description":"SQLite file '{{Path.Combine(_directory, "engagement.db")}}': schema version 3"}]}""");
        foreach (var file in new[] { "kore-v2-events.jsonl", "rocketchat-events.jsonl" })
        {
            using var ingest = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events") { Content = new StringContent(Data(file), Encoding.UTF8, "application/x-ndjson") };
            ingest.Headers.Add("X-Api-Key", "e2e-ingest");
            var response = await http.SendAsync(ingest);
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        using (var trend = new HttpRequestMessage(HttpMethod.Post, "/api/public/bot/st-demo/v2/userEngagementTrend?aggregation_type=daily&start_date=2025-12-01&end_date=2025-12-05&timeZoneOffset=Asia/Kolkata"))
        {
            trend.Headers.Add("auth", Jwt());
            (await (await http.SendAsync(trend)).Content.ReadAsStringAsync()).Should().Be(Minified("kore-v2-daily.json"));
        }

        using (var lifecycle = new HttpRequestMessage(HttpMethod.Get, "/api/engagement/bot/st-demo/lifecycle?start_date=2025-12-01&end_date=2025-12-05&timeZoneOffset=Asia/Kolkata"))
        {
            lifecycle.Headers.Add("auth", Jwt());
            (await (await http.SendAsync(lifecycle)).Content.ReadAsStringAsync()).Should().StartWith(
                """{"bot":"st-demo","timeZone":"Asia/Kolkata","aggregation":"day","start":"2025-12-01","end":"2025-12-05","buckets":[{"period":"2025-12-01","new":0,""");
        }

        using (var retention = new HttpRequestMessage(HttpMethod.Get, "/api/engagement/bot/st-demo/retention?start_date=2025-12-01&end_date=2025-12-05&timeZoneOffset=Asia/Kolkata"))
        {
            retention.Headers.Add("auth", Jwt());
            retention.Headers.Add("Accept", "text/csv");
            (await (await http.SendAsync(retention)).Content.ReadAsStringAsync()).Should().StartWith("cohort,users,retained[0],retained[1],retained[2],retained[3],retained[4],percent[0],");
        }

        using (var hourly = new HttpRequestMessage(HttpMethod.Get, "/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00:00:00.000Z"))
        {
            hourly.Headers.Add("X-User-Id", "admin");
            hourly.Headers.Add("X-Auth-Token", "rc-token");
            (await (await http.SendAsync(hourly)).Content.ReadAsStringAsync()).Should().Be(Minified("rocketchat-hourly.json"));
        }

        using (var stats = new HttpRequestMessage(HttpMethod.Get, "/analytics/statistics/account/*/2,3/day/7?format=series"))
        {
            stats.Headers.Authorization = new("Bearer", "stats-token");
            var response = await http.SendAsync(stats);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).Should().StartWith("""{"account":"default","bot":"*","groupMode":"day","days":7,""");
        }
    }
}
