using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// The seeds' own sample requests, sent by curl as written (only the host, the credentials and the seed's
/// <c>{{placeholders}}</c> filled in) to the real <c>engagement serve</c>, and a Kore.ai request without a body in
/// every way a client sends one.
/// </summary>
public sealed class SeedRequestTests : IAsyncLifetime
{
    private const string Secret = "seed-requests-client-secret-0123";
    private const string Bot = "st-seed";

    // Seeds 002 and 003 show these credentials; serve is configured with them.
    private const string RocketUser = "rbAXPnMktTFbNpwtJ";
    private const string RocketToken = "HF0U3GBQHzC0pL_f_XXFHEfgXR8041XGldg2m_z8JQ0";

    private readonly string _directory = Directory.CreateTempSubdirectory("em-seeds-").FullName;
    private ServeProcess? _serve;

    private string Host => _serve!.Http.BaseAddress!.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        _serve = await ServeProcess.StartAsync(_directory, new Dictionary<string, string>
        {
            ["KoreApps__0__AppId"] = "seed-app",
            ["KoreApps__0__ClientSecret"] = Secret,
            ["KoreApps__0__Bots__0"] = Bot,
            ["IngestApiKeys__0"] = "seed-ingest",
            ["RocketChatBotId"] = Bot,
            ["RocketChatUsers__0__UserId"] = RocketUser,
            ["RocketChatUsers__0__Token"] = RocketToken,
            ["RocketChatUsers__0__Permissions__0"] = "view-engagement-dashboard",
        });
        var lines = new StringBuilder();
        var day = 0;
        foreach (var at in new[] { "2020-09-01T04:10:00Z", "2020-09-02T11:00:00Z", "2020-09-04T20:30:00Z", "2023-05-18T09:00:00Z", "2023-05-18T22:15:00Z", "2023-05-12T13:00:00Z" })
        {
            var user = "u" + (day++ % 3);
            lines.Append(CultureInfoInvariant($$"""{"eventId":"e{{day}}","botId":"{{Bot}}","userId":"{{user}}","conversationId":"c{{day}}","timestamp":"{{at}}","channel":"rtm","kind":"message_in"}"""));
            lines.Append('\n');
        }

        using var ingest = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events") { Content = new StringContent(lines.ToString(), Encoding.UTF8, "application/x-ndjson") };
        ingest.Headers.Add("X-Api-Key", "seed-ingest");
        (await _serve.Http.SendAsync(ingest)).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Seed_000_v1_request_with_a_json_content_type_and_no_body()
    {

        // As written but for one character: the seed's URL ends in a space inside the quotes ('...channels=rtm '),
        // which curl itself refuses to send (curl: (3) URL using bad/illegal format).
        var (status, body) = await Curl.RunAsync(
            "-X", "POST",
            $"{Host}/api/public/bot/{Bot}/userEngagementTrend?aggregation_type=Hourly&start_date=2020-09-01&end_date=2020-09-05&channels=rtm",
            "-H", $"auth: {Jwt()}",
            "-H", "content-type: application/json");

        status.Should().Be(200, body);
        var document = JsonDocument.Parse(body).RootElement;
        document.GetProperty("results").GetArrayLength().Should().Be(5, "one entry per day of the period");
        document.GetProperty("results")[0].GetProperty("4 - 5").GetInt32().Should().Be(1, "the 04:10 UTC event, in UTC (v1 has no zone)");
    }

    [Fact]
    public async Task Seed_001_v2_request_with_its_placeholders_filled_in()
    {

        var (status, body) = await Curl.RunAsync(
            "--location", "--request", "POST",
            $"{Host}/api/public/bot/{Bot}/v2/userEngagementTrend?aggregation_type=daily&start_date=2020-09-01&end_date=2020-09-05&conversationType=Interactive&conversationStatus=Active&timeZoneOffset=Asia%2FKolkata",
            "--header", $"auth: {Jwt()}");

        status.Should().Be(200, body);
        var document = JsonDocument.Parse(body).RootElement;
        document.GetProperty("summary").GetProperty("uniqueUsers").GetInt32().Should().Be(3);
        document.GetProperty("filters").GetProperty("conversationType").GetString().Should().Be("interactive");
    }

    [Fact]
    public async Task Seed_002_hourly_request_as_written_is_refused_as_rocket_chat_refuses_its_malformed_start()
    {

        // The seed's start is "2023-05-T00:00:00.000Z" (no day): Rocket.Chat's Match.Where(isDateISOString) refuses it.
        var (status, body) = await Curl.RunAsync(
            "--location", $"{Host}/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-T00%3A00%3A00.000Z",
            "--header", $"x-auth-token: {RocketToken}",
            "--header", $"x-user-id: {RocketUser}");

        status.Should().Be(400);
        body.Should().Be("""{"success":false,"error":"Match error: Failed Match.Where validation in field start"}""");

        var (fixedStatus, fixedBody) = await Curl.RunAsync(
            "--location", $"{Host}/api/v1/engagement-dashboard/users/chat-busier/hourly-data?start=2023-05-19T00%3A00%3A00.000Z",
            "--header", $"x-auth-token: {RocketToken}",
            "--header", $"x-user-id: {RocketUser}");
        fixedStatus.Should().Be(200, fixedBody);
        JsonDocument.Parse(fixedBody).RootElement.GetProperty("hours").GetArrayLength().Should().Be(12);
    }

    [Fact]
    public async Task Seed_003_weekly_request_as_written()
    {

        var (status, body) = await Curl.RunAsync(
            "--location", $"{Host}/api/v1/engagement-dashboard/users/chat-busier/weekly-data?start=2023-05-19T00%3A00%3A00.000Z",
            "--header", $"x-auth-token: {RocketToken}",
            "--header", $"x-user-id: {RocketUser}");

        status.Should().Be(200, body);
        body.Should().Be("""{"month":[{"users":2,"day":18,"month":5,"year":2023},{"users":1,"day":12,"month":5,"year":2023}],"success":true}""");
    }

    [Fact]
    public async Task A_kore_request_without_a_body_is_a_request_without_filters_however_it_says_so()
    {
        var url = $"{Host}/api/public/bot/{Bot}/v2/userEngagementTrend?aggregation_type=daily&start_date=2020-09-01&end_date=2020-09-05&timeZoneOffset=UTC";
        string[] auth = ["-X", "POST", url, "-H", $"auth: {Jwt()}"];
        var (_, reference) = await Curl.RunAsync(auth);

        var variants = new Dictionary<string, string[]>
        {
            ["JSON content type, no Content-Length"] = [.. auth, "-H", "content-type: application/json"],
            ["JSON content type, Content-Length: 0"] = [.. auth, "-H", "content-type: application/json", "--data-binary", ""],
            ["JSON content type, empty chunked body"] = [.. auth, "-H", "content-type: application/json", "-H", "Transfer-Encoding: chunked", "--data-binary", ""],
            ["JSON content type, only whitespace"] = [.. auth, "-H", "content-type: application/json", "--data-binary", " \r\n\t "],
            ["no content type, whitespace"] = [.. auth, "--data-binary", " "],
        };

        JsonDocument.Parse(reference).RootElement.GetProperty("summary").GetProperty("uniqueUsers").GetInt32().Should().Be(3);
        foreach (var (name, args) in variants)
        {
            var (status, body) = await Curl.RunAsync(args);
            status.Should().Be(200, $"{name}: {body}");
            body.Should().Be(reference, name);
        }

        var (badStatus, badBody) = await Curl.RunAsync([.. auth, "-H", "content-type: application/json", "--data-binary", "{\"filters\":"]);
        badStatus.Should().Be(400);
        badBody.Should().Be("""{"errors":[{"msg":"the request body is not valid JSON","code":400}]}""");
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Jwt()
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = B64(Encoding.UTF8.GetBytes($$"""{"appId":"seed-app","exp":{{DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()}}}"""));
        return $"{header}.{payload}.{B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes(header + "." + payload)))}";
    }

    /// <summary>The curl binary, which sends the seeds' requests as the seeds write them (on every machine of this kind).</summary>
    private static class Curl
    {
        public static async Task<(int Status, string Body)> RunAsync(params string[] args)
        {
            var curl = Find() ?? throw new InvalidOperationException("curl is not on PATH: these tests send the seeds' curl lines with it (apt-get install curl)");
            var start = new ProcessStartInfo(curl) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--silent", "--show-error", "--write-out", "\n%{http_code}" }.Concat(args))
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.Should().Be(0, $"curl {string.Join(' ', args)} failed: {error}");
            var split = output.LastIndexOf('\n');
            return (int.Parse(output[(split + 1)..], System.Globalization.CultureInfo.InvariantCulture), output[..split]);
        }

        private static string? Find() =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Select(directory => Path.Combine(directory, "curl"))
                .FirstOrDefault(File.Exists);
    }
}
