using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EngagementMetrics.Cli.Tests.Browser;

namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// The dashboard of <c>engagement serve --demo-data --dashboard</c> in a real headless Chromium, driven over the
/// DevTools protocol: it loads with no console error, draws its charts as SVG, shows the v2 API's summary numbers
/// and redraws on a filter change. Screenshots go to <c>EM_SCREENSHOT_DIR</c> when set (docs/ holds the committed ones).
/// </summary>
[RequiresChromium]
public sealed partial class DashboardBrowserTests : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("em-dashboard-");
    private ServeProcess? _serve;
    private Chromium? _chromium;

    private ServeProcess Serve => _serve!;

    private string DashboardUrl => Serve.Http.BaseAddress + "dashboard/";

    public async Task InitializeAsync()
    {
        if (new RequiresChromiumAttribute().SkipReason is not null)
        {
            return;
        }

        _serve = await ServeProcess.StartAsync(_directory.FullName, new Dictionary<string, string>(), "--demo-data", "--dashboard", "--store", "sqlite:" + Path.Combine(_directory.FullName, "e.db"));
        _chromium = await Chromium.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }

        _directory.Delete(recursive: true);
    }

    [BrowserFact]
    public async Task The_dashboard_loads_without_errors_and_draws_every_chart_as_svg()
    {
        await Serve.WaitForOutputAsync($"dashboard: {DashboardUrl}");
        await using var page = await _chromium!.NewPageAsync();

        await page.NavigateAsync(DashboardUrl);

        var charts = await page.EvaluateAsync("[...document.querySelectorAll('svg[role=img]')].map(s => s.id).filter(id => id)");
        charts.EnumerateArray().Select(e => e.GetString()).Should().Contain(["trend-svg", "lifecycle-svg", "busier-hourly-svg", "busier-weekly-svg"]);
        (await page.EvaluateAsync("document.querySelectorAll('#retention-table tbody tr').length")).GetInt32().Should().Be(7, "a day cohort per day of the demo period");
        (await page.EvaluateAsync("document.querySelectorAll('#panel-lifecycle g.bar').length")).GetInt32().Should().Be(7);
        (await page.EvaluateAsync("document.querySelectorAll('#panel-trend g.bar').length")).GetInt32().Should().Be(7, "the demo period has 7 days");
        (await page.EvaluateAsync("document.querySelectorAll('#panel-statistics svg.multiple').length")).GetInt32().Should().Be(19, "one small chart per statistics type");
        (await page.EvaluateAsync("[...document.querySelectorAll('svg[role=img]')].every(s => s.getAttribute('aria-labelledby').split(' ').every(id => document.getElementById(id)?.textContent.trim()))"))
            .GetBoolean().Should().BeTrue("every chart has a title and a description");
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task The_summary_cards_show_what_the_v2_api_returns_for_the_same_query()
    {
        await using var page = await _chromium!.NewPageAsync();
        await page.NavigateAsync(DashboardUrl + "?start=2025-10-30&end=2025-11-03&tz=Asia/Kolkata&aggregation=daily&channels=slack");
        var cards = await page.EvaluateAsync("Object.fromEntries([...document.querySelectorAll('.card')].map(c => [c.dataset.metric, c.querySelector('.card-value').textContent]))");

        var token = Token().Match(await Serve.WaitForOutputAsync("-H 'auth: ")).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/public/bot/demo-bot/v2/userEngagementTrend?aggregation_type=daily&start_date=2025-10-30&end_date=2025-11-03&timeZoneOffset=Asia/Kolkata");
        request.Headers.Add("auth", token);
        request.Content = JsonContent.Create(new { filters = new { channels = "slack" } });
        using var response = await Serve.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var summary = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary");

        var names = summary.EnumerateObject().Select(p => p.Name).ToList();
        names.Should().HaveCount(6);
        foreach (var name in names)
        {
            decimal.Parse(cards.GetProperty(name).GetString()!, CultureInfo.InvariantCulture).Should().Be(summary.GetProperty(name).GetDecimal(), name);
        }

        summary.GetProperty("uniqueUsers").GetInt32().Should().BeGreaterThan(0, "the comparison is of real numbers");
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task A_filter_change_redraws_the_charts_and_keeps_the_query_in_the_address()
    {
        await using var page = await _chromium!.NewPageAsync();
        await page.NavigateAsync(DashboardUrl);

        await page.EvaluateAsync("(() => { const s = document.querySelector('select[name=aggregation]'); s.value = 'hourly'; s.dispatchEvent(new Event('change', { bubbles: true })); })()");
        await page.WaitForAsync("document.body.dataset.redraws === '1'");

        (await page.EvaluateAsync("document.querySelectorAll('#panel-trend g.bar').length")).GetInt32().Should().Be(7 * 24, "an hourly trend has 24 local hour labels a day, the fall-back day of the demo week included");
        (await page.EvaluateAsync("location.search")).GetString().Should().Contain("aggregation=hourly");
        (await page.EvaluateAsync("document.querySelector('#panel-trend a.csv').getAttribute('href')")).GetString().Should().Contain("aggregation=hourly");
        page.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task A_bad_filter_shows_a_one_line_error_naming_it()
    {
        await using var page = await _chromium!.NewPageAsync();
        await page.NavigateAsync(DashboardUrl);

        await page.EvaluateAsync("(() => { const i = document.querySelector('input[name=tz]'); i.value = 'Mars/Olympus'; i.dispatchEvent(new Event('change', { bubbles: true })); })()");
        await page.WaitForAsync("document.body.dataset.redraws === '1'");

        (await page.EvaluateAsync("document.querySelector('[role=alert]').textContent")).GetString().Should().Contain("tz").And.Contain("Mars/Olympus");
    }

    [BrowserFact]
    public async Task It_reads_at_360_pixels_wide_in_light_and_dark()
    {
        var screenshots = Environment.GetEnvironmentVariable("EM_SCREENSHOT_DIR") is { Length: > 0 } dir ? Directory.CreateDirectory(dir).FullName : _directory.FullName;
        await using var page = await _chromium!.NewPageAsync();
        foreach (var (width, scheme) in new[] { (1280, "light"), (360, "light"), (1280, "dark"), (360, "dark") })
        {
            await page.EmulateAsync(width, 900, scheme);
            await page.NavigateAsync(DashboardUrl);

            (await page.EvaluateAsync("document.documentElement.scrollWidth")).GetInt32().Should().BeLessThanOrEqualTo(width, $"no sideways scrolling of the page at {width} px (charts scroll inside their panel)");
            (await page.EvaluateAsync("getComputedStyle(document.body).backgroundColor")).GetString().Should().Be(scheme == "dark" ? "rgb(20, 22, 26)" : "rgb(247, 247, 249)");
            var png = await page.ScreenshotAsync();
            png.Take(4).Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G');
            await File.WriteAllBytesAsync(Path.Combine(screenshots, $"dashboard-{width}-{scheme}.png"), png);
        }

        page.Errors.Should().BeEmpty();
    }

    [GeneratedRegex(@"-H 'auth: ([^']+)'")]
    private static partial Regex Token();
}
