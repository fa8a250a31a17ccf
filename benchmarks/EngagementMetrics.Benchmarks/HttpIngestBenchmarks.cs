using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Data.Sqlite;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// HTTP ingest on the real <c>engagement serve</c> process with its embedded SQLite store (a fresh file per
/// iteration, <c>synchronous=FULL</c>), on 127.0.0.1 and a free port: exactly <see cref="Clients"/> concurrent
/// client loops, each with its own <see cref="HttpClient"/> and connection, POST pre-built JSON Lines bodies of
/// <see cref="EventsPerBody"/> events (<c>application/x-ndjson</c>, strict mode, <c>X-Api-Key</c>) to
/// <c>/api/engagement/events</c>. The events come from <see cref="IngestData"/> (distinct ids, 3 bots, time order);
/// body <c>k</c> goes to client <c>k % 4</c>, so the clients post about the same hours at the same time.
/// </summary>
/// <remarks>
/// <para>Bounded: every loop posts a fixed number of bodies (<c>Events / (4 x 5,000)</c>, 25 each by default), every
/// request has a timeout and the whole iteration a deadline. Every answer must be 200 with <c>stored</c> equal to the
/// body's events, no duplicates and no rejections, and the stored counts must add up to <c>Events</c>; after the
/// iteration the server is killed (SIGKILL) and the SQLite file must hold exactly <c>Events</c> events and ids, so
/// whatever the server answered 200 to was durable.</para>
/// <para>Measured: the posting only. Iteration setup starts the server, opens each client's connection with a
/// <c>/healthz</c> request and warms the server up: each client posts <see cref="WarmupBodiesPerClient"/> bodies of
/// other bots (<c>warmup-*</c>, 40,000 events in all), so the figure is the rate of a running server, not of its JIT
/// start-up. The check of the file is iteration cleanup.</para>
/// <para><c>EM_HTTP_EVENTS</c> overrides the event count (a multiple of 20,000, e.g. 20000 for a smoke run);
/// <c>EM_ENGAGEMENT_DLL</c> names another <c>engagement.dll</c> than the one built beside the benchmarks.</para>
/// </remarks>
[MedianColumn]
[Config(typeof(IngestColumns))]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class HttpIngestBenchmarks
{
    /// <summary>Concurrent client loops.</summary>
    public const int Clients = 4;

    /// <summary>Events (lines) per request body.</summary>
    public const int EventsPerBody = 5_000;

    /// <summary>The default event count of an iteration: 4 clients x 25 bodies x 5,000 events.</summary>
    public const int DefaultEvents = 500_000;

    /// <summary>Bodies each client posts, for bots <c>warmup-*</c>, before the measured part of an iteration.</summary>
    public const int WarmupBodiesPerClient = 2;

    private const string WarmupBotPrefix = "warmup-";

    private const string ApiKey = "bench-ingest-key";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan IterationDeadline = TimeSpan.FromMinutes(10);

    private string _engagementDll = string.Empty;
    private byte[][] _bodies = [];
    private byte[][] _warmupBodies = [];
    private string? _runDirectory;
    private ServeProcess? _server;
    private HttpClient[] _clients = [];
    private long _stored = -1;
    private TimeSpan _serverCpu;
    private TimeSpan _clientCpu;

    /// <summary>Events posted per iteration (the bodies of all clients together).</summary>
    [ParamsSource(nameof(EventCounts))]
    public int Events { get; set; }

    /// <summary><c>EM_HTTP_EVENTS</c> when set, else <see cref="DefaultEvents"/>.</summary>
    public static IEnumerable<int> EventCounts
    {
        get
        {
            var text = Environment.GetEnvironmentVariable("EM_HTTP_EVENTS");
            if (string.IsNullOrWhiteSpace(text))
            {
                return [DefaultEvents];
            }

            return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
                int.TryParse(part.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n % (Clients * EventsPerBody) == 0
                    ? n
                    : throw new InvalidOperationException($"EM_HTTP_EVENTS='{text}': expected positive multiples of {Clients * EventsPerBody} (4 clients x 5,000-event bodies), e.g. 20000 or 500000."))];
        }
    }

    /// <summary>Finds <c>engagement.dll</c> and builds the request bodies (not measured).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _engagementDll = Environment.GetEnvironmentVariable("EM_ENGAGEMENT_DLL") is { Length: > 0 } named ? named : Path.Combine(AppContext.BaseDirectory, "engagement.dll");
        var runtimeConfig = Path.ChangeExtension(_engagementDll, ".runtimeconfig.json");
        if (!File.Exists(_engagementDll) || !File.Exists(runtimeConfig))
        {
            throw new InvalidOperationException(
                $"{_engagementDll} (with its .runtimeconfig.json) is missing: the benchmarks project references EngagementMetrics.Cli, which should put it there; or set EM_ENGAGEMENT_DLL.");
        }

        _bodies = Bodies(IngestData.Generate(Events));
        _warmupBodies = Bodies(IngestData.Generate(Clients * WarmupBodiesPerClient * EventsPerBody).Select(row => row with { BotId = WarmupBotPrefix + row.BotId }));
        Console.WriteLine($"// http ingest: {_bodies.Length} bodies of {EventsPerBody:N0} events ({_bodies.Average(b => b.Length) / 1e6:N2} MB each), {Clients} clients, server {_engagementDll}");
    }

    /// <summary>Starts <c>engagement serve</c> on a new SQLite file and opens one connection per client (not measured).</summary>
    [IterationSetup]
    public void StartServer()
    {
        _runDirectory = Path.Combine(SqlBench.Directory, "http-ingest", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_runDirectory);

        // The free port may be taken between asking and binding: a few bounded attempts.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _server = ServeProcess.Start(_engagementDll, _runDirectory, Path.Combine(_runDirectory, "serve.db"), FreeLoopbackPort(), ApiKey, StartTimeout);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }

        _clients = new HttpClient[Clients];
        for (var c = 0; c < Clients; c++)
        {
            // One connection per client loop: the 4 loops are 4 HTTP/1.1 connections.
            _clients[c] = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false }) { BaseAddress = _server.BaseAddress, Timeout = RequestTimeout };
            var health = _clients[c].GetStringAsync(new Uri("/healthz", UriKind.Relative)).GetAwaiter().GetResult();
            if (health != "ok")
            {
                throw new InvalidOperationException($"/healthz answered '{health}'.");
            }
        }

        using var deadline = new CancellationTokenSource(IterationDeadline);
        var warmup = Task.WhenAll(Enumerable.Range(0, Clients).Select(c => PostLoopAsync(_clients[c], _warmupBodies, c, deadline.Token))).GetAwaiter().GetResult().Sum();
        if (warmup != _warmupBodies.Length * EventsPerBody)
        {
            throw new InvalidOperationException($"The warm-up stored {warmup} events, not {_warmupBodies.Length * EventsPerBody}.");
        }

        _serverCpu = _server.CpuTime;
        _clientCpu = CurrentProcessCpuTime();
    }

    /// <summary>4 concurrent client loops POST every body once; returns the events the server says it stored.</summary>
    [Benchmark(Description = "engagement serve (SQLite): 4 clients POST 5,000-event NDJSON bodies")]
    public long ServeSqliteNdjson()
    {
        using var deadline = new CancellationTokenSource(IterationDeadline);
        var loops = new Task<long>[Clients];
        for (var c = 0; c < Clients; c++)
        {
            loops[c] = PostLoopAsync(_clients[c], _bodies, c, deadline.Token);
        }

        var stored = Task.WhenAll(loops).GetAwaiter().GetResult().Sum();
        if (stored != Events)
        {
            throw new InvalidOperationException($"The server stored {stored} events, not {Events}.");
        }

        return _stored = stored;
    }

    /// <summary>Stops the server (SIGKILL), checks that the file holds every measured event, removes it.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        try
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _clients = [];

            // CPU time of the measured part (plus this cleanup's first microseconds): on a shared machine, events per
            // CPU-second of the server says more than the wall-clock rate.
            if (_server is not null && _stored == Events)
            {
                var server = _server.CpuTime - _serverCpu;
                var client = CurrentProcessCpuTime() - _clientCpu;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"// cpu: server {server.TotalSeconds:N2} s ({Events / server.TotalSeconds:N0} events per CPU-second), clients and benchmark process {client.TotalSeconds:N2} s"));
            }

            _server?.Dispose();
            _server = null;
            if (_stored != Events)
            {
                throw new InvalidOperationException($"The iteration stored {_stored} events, not {Events}.");
            }

            var file = Path.Combine(_runDirectory!, "serve.db");
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT (SELECT SUM(event_count) FROM em_history WHERE bot_id NOT LIKE '{WarmupBotPrefix}%'), (SELECT COUNT(*) FROM em_event_ids WHERE bot_id NOT LIKE '{WarmupBotPrefix}%')";
            using var reader = command.ExecuteReader();
            reader.Read();
            var (events, ids) = (reader.GetInt64(0), reader.GetInt64(1));
            if (events != Events || ids != Events)
            {
                throw new InvalidOperationException($"{file} holds {events} events and {ids} ids after the server was killed, not {Events}.");
            }
        }
        finally
        {
            _stored = -1;
            SqliteConnection.ClearAllPools();
            if (_runDirectory is not null)
            {
                Directory.Delete(_runDirectory, recursive: true);
                _runDirectory = null;
            }
        }
    }

    /// <summary>Stops a server still running after a failed iteration.</summary>
    [GlobalCleanup]
    public void GlobalCleanup() => _server?.Dispose();

    // One JSON Lines body per 5,000 consecutive events, as UTF-8 bytes.
    private static byte[][] Bodies(IEnumerable<IngestRow> rows)
    {
        var bodies = new List<byte[]>();
        var text = new StringBuilder(EventsPerBody * 256);
        var line = new StringBuilder(256);
        var lines = 0;
        foreach (var row in rows)
        {
            line.Clear();
            IngestData.AppendJson(line, row);
            text.Append(line).Append('\n');
            if (++lines == EventsPerBody)
            {
                bodies.Add(Encoding.UTF8.GetBytes(text.ToString()));
                text.Clear();
                lines = 0;
            }
        }

        return [.. bodies];
    }

    // Client c posts bodies c, c + 4, c + 8, ...: a fixed count, each request with a timeout.
    private static async Task<long> PostLoopAsync(HttpClient client, byte[][] bodies, int c, CancellationToken cancellationToken)
    {
        long stored = 0;
        for (var k = c; k < bodies.Length; k += Clients)
        {
            using var content = new ByteArrayContent(bodies[k]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/engagement/events?mode=strict", UriKind.Relative)) { Content = content };
            request.Headers.Add("X-Api-Key", ApiKey);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Body {k}: {(int)response.StatusCode} {text}");
            }

            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            var bodyStored = root.GetProperty("stored").GetInt32();
            if (bodyStored != EventsPerBody || root.GetProperty("duplicates").GetInt32() != 0 || root.GetProperty("rejected").GetArrayLength() != 0)
            {
                throw new InvalidOperationException($"Body {k}: expected {EventsPerBody} stored, no duplicates, no rejections; the server answered {text}");
            }

            stored += bodyStored;
        }

        return stored;
    }

    private static TimeSpan CurrentProcessCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A running <c>engagement serve</c> process; disposing kills it (SIGKILL) and waits for it to exit.</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();

        private ServeProcess(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        /// <summary>The server's CPU time so far (user and system).</summary>
        public TimeSpan CpuTime
        {
            get
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        /// <summary>Starts <c>dotnet engagement.dll serve</c> and waits (bounded) for the line saying it listens.</summary>
        /// <exception cref="InvalidOperationException">It exited or did not start listening in time.</exception>
        public static ServeProcess Start(string engagementDll, string workingDirectory, string databaseFile, int port, string apiKey, TimeSpan timeout)
        {
            var baseAddress = new Uri($"http://{IPAddress.Loopback}:{port.ToString(CultureInfo.InvariantCulture)}");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { engagementDll, "serve", "--store", "sqlite:" + databaseFile, "--urls", baseAddress.ToString().TrimEnd('/') })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["EngagementMetrics__Endpoints__IngestApiKeys__0"] = apiKey;
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var server = new ServeProcess(process, baseAddress);

            // Both streams are read to the end (never left to fill a pipe), keeping the last lines for error messages.
            void Keep(string? line)
            {
                if (line is null)
                {
                    return;
                }

                server._output.Enqueue(line);
                while (server._output.Count > 40 && server._output.TryDequeue(out _))
                {
                }

                if (line.StartsWith("engagement serve:", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }

            process.OutputDataReceived += (_, e) => Keep(e.Data);
            process.ErrorDataReceived += (_, e) => Keep(e.Data);
            process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("engagement serve exited"));
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                ready.Task.WaitAsync(timeout).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                server.Dispose();
                throw new InvalidOperationException($"engagement serve did not start on {baseAddress}: {ex.Message}; its output: {string.Join(" | ", server._output)}", ex);
            }

            return server;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                throw new InvalidOperationException($"engagement serve (pid {_process.Id}) did not exit within 30 s of SIGKILL.");
            }

            _process.Dispose();
        }
    }
}
