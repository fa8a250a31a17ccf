using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// <c>engagement serve</c> as a service manager runs it: stopped by SIGTERM or SIGINT within 5 s with exit code 0,
/// finishing a request in flight, and one log line per request.
/// </summary>
public sealed class ServeLifecycleTests : IDisposable
{
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(5);
    private static readonly Dictionary<string, string> IngestKey = new() { ["IngestApiKeys__0"] = "lifecycle-key" };
    private readonly string _directory = Directory.CreateTempSubdirectory("em-serve-life-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_stop_signal_ends_serve_with_exit_code_0_within_5_seconds(string signal)
    {
        await using var serve = await ServeProcess.StartAsync(_directory, IngestKey);
        (await serve.Http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);

        await serve.SignalAsync(signal);

        (await serve.WaitForExitAsync(StopWithin)).Should().BeTrue($"SIGTERM/SIGINT stop serve within {StopWithin.TotalSeconds} s; stdout: {serve.StandardOutput}");
        serve.ExitCode.Should().Be(0, serve.StandardError);
        serve.StandardOutput.Should().Contain("engagement serve: stopped");
        serve.StandardError.Should().BeEmpty();
    }

    [Fact]
    public async Task A_request_in_flight_when_SIGTERM_arrives_is_answered_before_serve_exits()
    {
        await using var serve = await ServeProcess.StartAsync(_directory, IngestKey);
        var body = new HeldBody("""{"botId":"b1","userId":"u1","kind":"message_in","timestamp":"2025-06-01T10:00:00Z"}""" + "\n", """{"botId":"b1","userId":"u2","kind":"message_in","timestamp":"2025-06-01T10:05:00Z"}""" + "\n");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events") { Content = body };
        request.Headers.Add("X-Api-Key", "lifecycle-key");

        // With "Expect: 100-continue" the client sends the body only once the server asks for it, which Kestrel does when
        // the route starts reading it: once the first part is sent, the request is in the route, in flight.
        request.Headers.ExpectContinue = true;
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) }) { BaseAddress = serve.Http.BaseAddress };
        var sending = client.SendAsync(request);
        await body.FirstPartSent;

        await serve.SignalAsync("TERM");
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        serve.HasExited.Should().BeFalse("serve waits for the request in flight");
        body.Release();

        using var response = await sending;
        var answer = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, answer);
        answer.Should().Contain("\"stored\":2");
        (await serve.WaitForExitAsync(StopWithin)).Should().BeTrue();
        serve.ExitCode.Should().Be(0, serve.StandardError);
    }

    [Fact]
    public async Task Every_request_is_one_log_line_with_method_path_status_and_time()
    {
        await using var serve = await ServeProcess.StartAsync(_directory, IngestKey);
        await serve.Http.GetStringAsync("/healthz");
        (await serve.Http.PostAsync("/api/public/bot/b1/v2/userEngagementTrend", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await serve.Http.GetAsync("/no/such/route")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        await serve.SignalAsync("TERM");
        await serve.WaitForExitAsync(StopWithin);

        var lines = serve.StandardOutput.Split('\n').Where(l => l.Contains("EngagementMetrics.Requests", StringComparison.Ordinal)).ToList();
        lines.Should().HaveCount(3, serve.StandardOutput);
        lines[0].Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: EngagementMetrics\.Requests\[1\] GET /healthz 200 \d+\.\d ms");
        lines[1].Should().Contain("POST /api/public/bot/b1/v2/userEngagementTrend 401 ");
        lines[2].Should().Contain("GET /no/such/route 404 ");
    }

    [Fact]
    public async Task Log_level_warning_leaves_requests_out_of_the_log()
    {
        await using var serve = await ServeProcess.StartAsync(_directory, IngestKey, "--log-level", "warning");
        await serve.Http.GetStringAsync("/healthz");
        await serve.SignalAsync("TERM");
        (await serve.WaitForExitAsync(StopWithin)).Should().BeTrue();

        serve.StandardOutput.Should().NotContain("EngagementMetrics.Requests");
        serve.StandardOutput.Should().Contain("engagement serve: stopped");
    }

    [Fact]
    public async Task Healthz_answers_503_naming_the_store_when_its_file_is_gone_and_200_again_once_it_is_back()
    {
        await using var serve = await ServeProcess.StartAsync(_directory, IngestKey);
        var file = Path.Combine(_directory, "engagement.db");
        (await serve.Http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        var copy = file + ".saved";
        File.Copy(file, copy);

        File.Delete(file);
        using (var response = await serve.Http.GetAsync("/healthz"))
        {
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
            (await response.Content.ReadAsStringAsync()).Should().Be(
                $$"""{"status":"Unhealthy","checks":[{"name":"engagement-store","status":"Unhealthy","store":"SQLite file '{{file}}'","description":"SQLite file '{{file}}' does not exist (deleted since the store opened it?)"}]}""");
        }

        File.Move(copy, file);
        (await serve.Http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        await serve.SignalAsync("TERM");
        (await serve.WaitForExitAsync(StopWithin)).Should().BeTrue();
        serve.StandardError.Should().Contain("Health check engagement-store with status Unhealthy").And.NotContain("   at ", "the log says why in a line, without a stack trace");
    }

    [Fact]
    public async Task An_unknown_log_level_is_a_one_line_error()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await EngagementCli.RunAsync(["serve", "--store", $"sqlite:{Path.Combine(_directory, "x.db")}", "--log-level", "loud"], stdout, stderr);

        exit.Should().Be(EngagementCli.BadInput);
        stderr.ToString().Trim().Should().Be("error: invalid --log-level 'loud': expected trace, debug, information, warning, error, critical or none");
        File.Exists(Path.Combine(_directory, "x.db")).Should().BeFalse("nothing is opened for a bad command line");
    }

    // A request body sent in two parts: the second only after Release().
    private sealed class HeldBody : HttpContent
    {
        private readonly string _first;
        private readonly string _second;

        private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBody(string first, string second)
        {
            _first = first;
            _second = second;
            Headers.ContentType = new("application/x-ndjson");
        }

        public Task FirstPartSent => _firstSent.Task;

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_first));
            await stream.FlushAsync();
            _firstSent.TrySetResult();
            await _release.Task;
            await stream.WriteAsync(Encoding.UTF8.GetBytes(_second));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
