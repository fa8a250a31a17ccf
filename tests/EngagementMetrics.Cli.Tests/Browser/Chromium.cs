using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using EngagementMetrics.Conformance;

namespace EngagementMetrics.Cli.Tests.Browser;

/// <summary>
/// A headless Chromium (Debian's <c>chromium</c>; <c>EM_CHROMIUM</c> names another binary) driven over the DevTools
/// protocol: a throw-away profile, a free debugging port, killed on dispose.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _profile;
    private readonly HttpClient _http;

    private Chromium(Process process, DirectoryInfo profile, int port)
    {
        _process = process;
        _profile = profile;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    /// <summary>The browser's path, or null when none is installed.</summary>
    public static string? Executable =>
        StoreEnvironment.Get("EM_CHROMIUM")
        ?? new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    public static async Task<Chromium> StartAsync()
    {
        var executable = Executable ?? throw new InvalidOperationException("no Chromium: install Debian's chromium (.ci/run does) or set EM_CHROMIUM");
        var profile = Directory.CreateTempSubdirectory("em-chromium-");
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--metrics-recording-only",
            "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", $"--user-data-dir={profile.FullName}", "about:blank",
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Chromium writes its port to DevToolsActivePort in the profile once it listens.
        var portFile = Path.Combine(profile.FullName, "DevToolsActivePort");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(portFile) || File.ReadAllLines(portFile).Length < 1 || !int.TryParse(File.ReadAllLines(portFile)[0], out _))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{executable} did not start its DevTools endpoint (exit: {(process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "still running")})");
            }

            await Task.Delay(100);
        }

        return new Chromium(process, profile, int.Parse(File.ReadAllLines(portFile)[0], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A new tab, its console and exceptions collected from the start.</summary>
    public async Task<CdpPage> NewPageAsync()
    {
        using var response = await _http.PutAsync("/json/new?about:blank", null);
        response.EnsureSuccessStatusCode();
        var target = await response.Content.ReadFromJsonAsync<JsonElement>();
        return await CdpPage.ConnectAsync(new Uri(target.GetProperty("webSocketDebuggerUrl").GetString()!));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium's helpers may still hold a file for a moment; the temp dir is cleaned by the system.
        }
    }
}
