using System.Diagnostics;

namespace EngagementMetrics.Docs.Tests;

/// <summary>The README's quick start (samples/EngagementMetrics.QuickStart, held equal to the README) runs and prints what the README says.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public async Task The_quick_start_prints_one_new_user_and_the_v2_document()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var app = Path.Combine(Markdown.Root, "samples", "EngagementMetrics.QuickStart", "bin", configuration, "net10.0", "EngagementMetrics.QuickStart.dll");
        File.Exists(app).Should().BeTrue($"the quick start is built with the tests ({app})");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(app);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.Should().Be(0, await errors);
        var stdout = (await output).ReplaceLineEndings("\n");
        stdout.Should().StartWith("TrendSummary { UniqueUsers = 1, NewUsers = 1, ReturningUsers = 0,");   // the README's comment
        stdout.Should().Contain("\"uniqueUsers\": 1").And.Contain("\"aggregationType\": \"daily\"").And.Contain("\"dataPointsCount\": 5");
    }
}
