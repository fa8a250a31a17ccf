using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary><c>engagement serve</c> publishes the routes' OpenAPI document at <c>/openapi/v1.json</c>, without credentials.</summary>
public sealed class ServeOpenApiTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-openapi-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Serve_publishes_the_openapi_document_of_every_route()
    {
        await using var serve = await ServeProcess.StartAsync(_directory, new Dictionary<string, string> { ["IngestApiKeys__0"] = "k" });
        using var response = await serve.Http.GetAsync("/openapi/v1.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the document is public, as the routes' descriptions are");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        root.GetProperty("openapi").GetString().Should().StartWith("3.1");
        var operations = root.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name} {o.Value.GetProperty("operationId").GetString()}"))
            .ToList();
        operations.Should().BeEquivalentTo(
        [
            "POST /api/public/bot/{botId}/userEngagementTrend KoreUserEngagementTrendV1",
            "POST /api/public/bot/{streamId}/v2/userEngagementTrend KoreUserEngagementTrendV2",
            "GET /api/v1/engagement-dashboard/users/chat-busier/hourly-data RocketChatChatBusierHourly",
            "GET /api/v1/engagement-dashboard/users/chat-busier/weekly-data RocketChatChatBusierWeekly",
            "GET /analytics/statistics/account/{apiKey}/{types}/{groupMode}/{days} AccountStatistics",
            "GET /analytics/statistics/{types}/{groupMode}/{days} BotStatistics",
            "POST /api/engagement/events IngestEvents",
            "GET /api/engagement/bot/{botId}/lifecycle EngagementLifecycle",
            "GET /api/engagement/bot/{botId}/retention EngagementRetention",
        ]);
        root.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(s => s.Name)
            .Should().BeEquivalentTo(["KoreJwt", "RocketChatUserId", "RocketChatAuthToken", "StatisticsBearer", "IngestApiKey"]);
    }
}
