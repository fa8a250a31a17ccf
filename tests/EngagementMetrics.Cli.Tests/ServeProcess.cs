using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// The real <c>engagement serve</c> process on a free loopback port, started in a working directory of the test's, with
/// settings as environment variables (<c>EngagementMetrics__Endpoints__KEY</c>). Its standard output and error are
/// collected as they arrive; disposing kills it if it still runs.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public HttpClient Http { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts serve and waits for its banner line (the server listens then).</summary>
    public static async Task<ServeProcess> StartAsync(string directory, IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "engagement.dll"), "serve", "--urls", $"http://127.0.0.1:{port}" }.Concat(arguments))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment["EngagementMetrics__Endpoints__" + key] = value;
        }

        var serve = new ServeProcess(new Process { StartInfo = start }, port);
        serve._process.OutputDataReceived += (_, e) => serve.Collect(serve._stdout, e.Data);
        serve._process.ErrorDataReceived += (_, e) => serve.Collect(serve._stderr, e.Data);
        serve._process.Start();
        serve._process.BeginOutputReadLine();
        serve._process.BeginErrorReadLine();
        var exited = serve._process.WaitForExitAsync();
        if (await Task.WhenAny(serve._ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))) != serve._ready.Task)
        {
            await serve.DisposeAsync();
            Assert.Fail($"serve did not start. stdout: {serve.StandardOutput} stderr: {serve.StandardError}");
        }

        return serve;
    }

    /// <summary>
    /// Waits until standard output holds <paramref name="text"/> (the lines serve prints after its banner, such as the
    /// dashboard's address and the curl lines, may arrive a moment after it) and returns the output.
    /// </summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!StandardOutput.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"serve never printed '{text}'. stdout: {StandardOutput}");
            }

            await Task.Delay(50);
        }

        return StandardOutput;
    }

    /// <summary>Sends a POSIX signal (kill -SIGNAL pid).</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {_process.Id}") { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        kill.ExitCode.Should().Be(0, $"kill -{signal} reaches the server");
    }

    /// <summary>Waits for the process to exit; false when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);

            // The exit also flushes the asynchronous readers of stdout and stderr.
            _process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Collect(StringBuilder into, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (into)
        {
            into.AppendLine(line);
        }

        if (line.StartsWith("engagement serve:", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
