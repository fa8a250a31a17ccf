using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace EngagementMetrics.Cli.Tests;

/// <summary><c>engagement serve --dashboard</c>: who may open it, and a clear refusal when nobody could.</summary>
public sealed class ServeDashboardTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-serve-dashboard-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("http://127.0.0.1:0", false)]
    [InlineData("http://0.0.0.0:0", true)]
    public async Task Without_dashboard_users_it_stops_with_one_line_unless_it_is_the_demo_on_loopback(string urls, bool demoData)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = ["serve", "--dashboard", "--urls", urls, "--store", "sqlite:" + Path.Combine(_directory, "e.db"), .. demoData ? new[] { "--demo-data" } : []];

        var exit = await EngagementCli.RunAsync(args, stdout, stderr);

        exit.Should().Be(EngagementCli.BadInput);
        stderr.ToString().Should().StartWith("error: serve --dashboard: no dashboard users configured: add EngagementMetrics:Dashboard:Users").And.EndWith("\n").And.NotContain("   at ");
        stderr.ToString().TrimEnd('\n').Should().NotContain("\n");
        File.Exists(Path.Combine(_directory, "e.db")).Should().BeFalse("nothing is opened before the settings are checked");
    }

    [Fact]
    public async Task Configured_users_sign_in_with_basic_and_see_only_their_bots()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "appsettings.json"), """
            {"EngagementMetrics": {"Dashboard": {"Title": "Support bots", "Users": [
              {"User": "ana", "Password": "correct horse", "Bots": ["demo-bot"]},
              {"User": "bo", "Password": "battery staple", "Bots": ["other-bot"]}]}}}
            """);
        await using var serve = await ServeProcess.StartAsync(_directory, new Dictionary<string, string>(), "--dashboard", "--demo-data");

        await serve.WaitForOutputAsync($"dashboard: {serve.Http.BaseAddress}dashboard/ (sign in as a user of EngagementMetrics:Dashboard:Users)");
        using var anonymous = await serve.Http.GetAsync("/dashboard/");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        anonymous.Headers.WwwAuthenticate.ToString().Should().Contain("Basic realm=\"engagement dashboard\"");
        (await GetAsync(serve, "ana", "wrong")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var ana = await GetAsync(serve, "ana", "correct horse");
        var page = await ana.Content.ReadAsStringAsync();
        ana.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Should().Contain("<title>Support bots</title>").And.Contain("<option selected>demo-bot</option>").And.Contain("data-metric=\"uniqueUsers\"");

        using var bo = await GetAsync(serve, "bo", "battery staple", "/dashboard/?bot=demo-bot");
        bo.StatusCode.Should().Be(HttpStatusCode.NotFound, "bo may read other-bot only");
    }

    private static Task<HttpResponseMessage> GetAsync(ServeProcess serve, string user, string password, string path = "/dashboard/")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        return serve.Http.SendAsync(request);
    }
}
