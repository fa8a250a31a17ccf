using System.CommandLine;
using EngagementMetrics.Engine;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Queries;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Cli;

/// <summary>The <c>engagement</c> command line. Exit codes: 0 success, 2 bad input, 1 unexpected failure.</summary>
internal static class EngagementCli
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    /// <summary>The trend options, by the names <see cref="TrendQueryBinder"/> reads and names errors with.</summary>
    private static readonly TrendParameterNames TrendOptions = new("--start-date", "--end-date", "--aggregation-type", "--channels", "--time-zone", "--conversation-type", "--conversation-status");

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Engagement metrics for bot and chat backends: unique, new and returning users, in any time zone.");
        root.Add(TrendCommand(stdout, stderr));
        root.Add(IngestCommand(stdout, stderr));
        root.Add(StatsCommand(stdout, stderr));
        root.Add(BusierCommand("busier-hourly", "Prints Rocket.Chat's chat-busier hourly data: distinct users per two-hour bucket over the 24 hours before --start.", hourly: true, stdout, stderr));
        root.Add(BusierCommand("busier-weekly", "Prints Rocket.Chat's chat-busier weekly data: distinct users per local date, date(--start) - 7 through date(--start).", hourly: false, stdout, stderr));
        root.Add(DemoCommand(stdout, stderr));
        root.Add(ServeCommand(stdout, stderr));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: {parse.Errors[0].Message}");
            return BadInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static Command TrendCommand(TextWriter stdout, TextWriter stderr)
    {
        var events = new Option<string?>("--events") { Description = "JSON Lines file of interaction events (read into memory), or - for standard input." };
        var storeSpec = new Option<string?>("--store") { Description = "Read from a store instead: sqlite:PATH or postgres:CONNECTION_STRING." };
        var bot = new Option<string>("--bot") { Description = "Bot (stream) id.", Required = true };
        var start = new Option<string>("--start-date") { Description = "First local date, YYYY-MM-DD.", Required = true };
        var end = new Option<string>("--end-date") { Description = "Last local date, YYYY-MM-DD (inclusive).", Required = true };
        var aggregation = new Option<string?>("--aggregation-type") { Description = "hourly (default) or daily." };
        var zone = new Option<string?>("--time-zone") { Description = "IANA or Windows zone, UTC, or an offset such as +05:30. Default UTC." };
        var channels = new Option<string?>("--channels") { Description = "Comma-separated channels; empty or All means every channel." };
        var type = new Option<string?>("--conversation-type") { Description = "all (default), interactive or \"non interactive\"." };
        var status = new Option<string?>("--conversation-status") { Description = "all (default), active or closed." };
        var format = new Option<string?>("--format") { Description = "v2 (default) or v1: the Kore.ai document version." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip bad lines of the events file (a warning each) instead of refusing the file." };

        var command = new Command("trend", "Prints the Kore.ai user engagement trend document for a bot and period.")
        {
            events, storeSpec, bot, start, end, aggregation, zone, channels, type, status, format, lenient,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(stderr, async () =>
        {
            var version = (parse.GetValue(format) ?? "v2").Trim().ToLowerInvariant() switch
            {
                "v2" => 2,
                "v1" => 1,
                var other => throw new EngagementValidationException("--format", other, $"invalid --format '{parse.GetValue(format)}': expected v2 or v1"),
            };
            var values = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [TrendOptions.StartDate] = parse.GetValue(start),
                [TrendOptions.EndDate] = parse.GetValue(end),
                [TrendOptions.Aggregation] = parse.GetValue(aggregation),
                [TrendOptions.Channels] = parse.GetValue(channels),
                [TrendOptions.TimeZone] = parse.GetValue(zone),
                [TrendOptions.ConversationType] = parse.GetValue(type),
                [TrendOptions.ConversationStatus] = parse.GetValue(status),
            };
            var query = TrendQueryBinder.Bind(parse.GetValue(bot)!, name => values[name], TrendOptions);

            var file = parse.GetValue(events);
            var spec = parse.GetValue(storeSpec);
            await using var source = await OpenSourceAsync(file, spec, parse.GetValue(lenient), stderr, cancellationToken);
            EngagementTrend trend;
            try
            {
                trend = await new EngagementEngine(source.Store).GetTrendAsync(query, cancellationToken);
            }
            catch (BotNotFoundException)
            {
                throw new EngagementValidationException("--bot", query.BotId, $"invalid --bot '{query.BotId}': {source.Name} has no event of that bot");
            }
            catch (EngagementValidationException ex)
            {
                var named = TrendQueryBinder.InWireTerms(ex, query, TrendOptions);
                var option = named.ParameterName == nameof(TrendQuery.BotId) ? "--bot" : named.ParameterName;
                throw AsOption(named, option, values.GetValueOrDefault(option) ?? named.Value);
            }

            await stdout.WriteLineAsync(version == 2 ? KoreTrendJson.SerializeV2(trend) : KoreTrendJson.SerializeV1(trend));
            return Ok;
        }));
        return command;
    }

    private static Command IngestCommand(TextWriter stdout, TextWriter stderr)
    {
        var storeSpec = new Option<string>("--store") { Description = "The store: sqlite:PATH (file created when missing) or postgres:CONNECTION_STRING.", Required = true };
        var events = new Option<string>("--events") { Description = "JSON Lines file of interaction events, or - for standard input.", Required = true };
        var strict = new Option<bool>("--strict") { Description = "Refuse the whole file, storing nothing, if any line is bad (default: skip bad lines and report them)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Events per transaction when not --strict (default 50000).", DefaultValueFactory = _ => 50_000 };
        var command = new Command("ingest", "Stores the events of a JSON Lines file in a SQLite or PostgreSQL store (idempotent on botId + eventId).")
        {
            storeSpec, events, strict, batchSize,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(stderr, () =>
            Ingest.RunAsync(parse.GetValue(storeSpec)!, parse.GetValue(events)!, parse.GetValue(strict), parse.GetValue(batchSize), stdout, stderr, cancellationToken)));
        return command;
    }

    private static Command StatsCommand(TextWriter stdout, TextWriter stderr)
    {
        var events = new Option<string?>("--events") { Description = "JSON Lines file of interaction events (read into memory), or - for standard input." };
        var storeSpec = new Option<string?>("--store") { Description = "Read from a store instead: sqlite:PATH or postgres:CONNECTION_STRING." };
        var account = new Option<string>("--account") { Description = "The caller's account; a bot outside it is not found.", Required = true };
        var bot = new Option<string>("--bot") { Description = "A bot id, or * for every bot of the account.", Required = true };
        var types = new Option<string>("--types") { Description = "Comma-separated statistic type codes, 0 to 18 (18 only with one bot).", Required = true };
        var groupMode = new Option<string?>("--group-mode") { Description = "hour, day (default), month or year." };
        var days = new Option<string?>("--days") { Description = "The last N local days ending today, 1 to 30 (default 7)." };
        var zone = new Option<string?>("--time-zone") { Description = "Zone of the local days (IANA, Windows, UTC or +05:30). Default UTC." };
        var now = new Option<string?>("--now") { Description = "Pin the clock (an ISO instant) for reproducible output; default the system clock." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip bad lines of the events file (a warning each) instead of refusing the file." };
        var command = new Command("stats", "Prints account or bot statistics (19 metric types) per hour, day, month or year over the last 1-30 days.")
        {
            events, storeSpec, account, bot, types, groupMode, days, zone, now, lenient,
        };
        command.SetAction((parse, cancellationToken) => GuardAsync(stderr, async () =>
        {
            var botId = parse.GetValue(bot)!;
            var scope = botId == StatisticsQuery.AllBots ? StatisticsScope.Account : StatisticsScope.Bot;
            var query = new StatisticsQuery
            {
                AccountId = parse.GetValue(account)!,
                Bot = botId,
                Types = StatisticsParameters.ParseTypes(parse.GetValue(types), scope, "--types"),
                GroupMode = parse.GetValue(groupMode) is { } mode ? StatisticsParameters.ParseGroupMode(mode, "--group-mode") : StatisticsGroupMode.Day,
                Days = parse.GetValue(days) is { } d ? StatisticsParameters.ParseDays(d, "--days") : 7,
                TimeZone = TrendParameters.ParseTimeZone(parse.GetValue(zone), "--time-zone"),
                Scope = scope,
            };
            TimeProvider clock = TimeProvider.System;
            if (parse.GetValue(now) is { } pinned)
            {
                clock = Rfc3339.TryParse(pinned, out var instant)
                    ? new FixedClock(instant)
                    : throw new EngagementValidationException("--now", pinned, $"invalid --now '{pinned}': expected an ISO instant such as 2025-12-07T12:00:00Z");
            }

            await using var source = await OpenSourceAsync(parse.GetValue(events), parse.GetValue(storeSpec), parse.GetValue(lenient), stderr, cancellationToken);
            StatisticsResult result;
            try
            {
                result = await new StatisticsEngine(source.Store, clock).GetStatisticsAsync(query, cancellationToken);
            }
            catch (BotNotFoundException)
            {
                throw new EngagementValidationException("--bot", botId, $"invalid --bot '{botId}' for --account '{query.AccountId}': {StatisticsJson.NotFoundMessage}");
            }
            catch (EngagementValidationException ex) when (ex.ParameterName == "now" && parse.GetValue(now) is { } pinnedNow)
            {
                throw AsOption(ex, "--now", pinnedNow);
            }

            await stdout.WriteLineAsync(StatisticsJson.Serialize(result));
            return Ok;
        }));
        return command;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static Command BusierCommand(string name, string description, bool hourly, TextWriter stdout, TextWriter stderr)
    {
        var events = new Option<string?>("--events") { Description = "JSON Lines file of interaction events (read into memory), or - for standard input." };
        var storeSpec = new Option<string?>("--store") { Description = "Read from a store instead: sqlite:PATH or postgres:CONNECTION_STRING." };
        var bot = new Option<string>("--bot") { Description = "Bot id (the workspace's bot).", Required = true };
        var start = new Option<string>("--start") { Description = "An ISO instant, e.g. 2023-05-19T00:00:00.000Z.", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "Zone of the local hours and dates (IANA, Windows, UTC or +05:30). Default UTC." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip bad lines of the events file (a warning each) instead of refusing the file." };
        var command = new Command(name, description) { events, storeSpec, bot, start, zone, lenient };
        command.SetAction((parse, cancellationToken) => GuardAsync(stderr, async () =>
        {
            DateTimeOffset at;
            try
            {
                at = RocketChatParameters.ParseStart(parse.GetValue(start));
            }
            catch (EngagementValidationException ex)
            {
                throw new EngagementValidationException("--start", ex.Value, $"invalid --start '{ex.Value}': expected an ISO instant such as 2023-05-19T00:00:00.000Z ({ex.Message})");
            }

            var timeZone = TrendParameters.ParseTimeZone(parse.GetValue(zone), "--time-zone");
            var botId = parse.GetValue(bot)!;
            await using var source = await OpenSourceAsync(parse.GetValue(events), parse.GetValue(storeSpec), parse.GetValue(lenient), stderr, cancellationToken);
            await using (var snapshot = await source.Store.OpenSnapshotAsync(botId, cancellationToken))
            {
                if (snapshot is null)
                {
                    throw new EngagementValidationException("--bot", botId, $"invalid --bot '{botId}': {source.Name} has no event of that bot");
                }
            }

            var engine = new EngagementEngine(source.Store);
            string json;
            try
            {
                json = hourly
                    ? RocketChatJson.SerializeHourly(await engine.GetChatBusierHourlyAsync(botId, at, timeZone, cancellationToken))
                    : RocketChatJson.SerializeWeekly(await engine.GetChatBusierWeeklyAsync(botId, at, timeZone, cancellationToken));
            }
            catch (EngagementValidationException ex) when (ex.ParameterName == "start")
            {
                // An instant too close to either end of the calendar.
                throw AsOption(ex, "--start", parse.GetValue(start));
            }

            await stdout.WriteLineAsync(json);
            return Ok;
        }));
        return command;
    }

    /// <summary>Where a query command reads events from: exactly one of --events or --store.</summary>
    private static async Task<EventSource> OpenSourceAsync(string? file, string? spec, bool lenient, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (file is not null && spec is not null)
        {
            throw new EngagementValidationException("--store", spec, "give either --events or --store, not both");
        }

        if (spec is not null)
        {
            // Queries only read: the store is opened read-only, so a missing file is an error, not a new empty store.
            var opened = await StoreSpec.OpenAsync(spec, readOnly: true, cancellationToken);
            return new EventSource(opened.Store, opened.Description, opened.DisposeAsync);
        }

        if (file is null)
        {
            throw new EngagementValidationException("--events", null, "one of --events FILE.jsonl or --store sqlite:PATH|postgres:CONNECTION is required");
        }

        await using var input = EventInput.Open(file);
        return new EventSource(await LoadAsync(input, lenient, stderr, cancellationToken), input.Name, () => ValueTask.CompletedTask);
    }

    private sealed record EventSource(IInteractionStore Store, string Name, Func<ValueTask> Release) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Release();
    }

    private static Command ServeCommand(TextWriter stdout, TextWriter stderr)
    {
        var storeSpec = new Option<string?>("--store") { Description = "sqlite:PATH (default sqlite:engagement.db) or postgres:CONNECTION_STRING." };
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var demoData = new Option<bool>("--demo-data") { Description = "Store the demo bot's history and print a curl line that works as is." };
        var logLevel = new Option<string?>("--log-level") { Description = "Least level logged: trace, debug, information (default: one line per request), warning, error, critical or none. Logging:LogLevel in appsettings.json sets it per category." };
        var command = new Command("serve", "Hosts every EngagementMetrics HTTP route (Kore.ai, Rocket.Chat, statistics, ingest) and /healthz. SIGTERM or Ctrl+C stops it after in-flight requests finish.") { storeSpec, urls, demoData, logLevel };
        command.SetAction((parse, cancellationToken) => GuardAsync(stderr, () =>
            Serve.RunAsync(
                new ServeSettings(parse.GetValue(storeSpec), parse.GetValue(urls)!, parse.GetValue(demoData), Serve.ParseLogLevel(parse.GetValue(logLevel))),
                stdout,
                cancellationToken)));
        return command;
    }

    private static Command DemoCommand(TextWriter stdout, TextWriter stderr)
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic history.", DefaultValueFactory = _ => 2025 };
        var command = new Command("demo", "Generates a realistic synthetic bot history and shows its engagement trend as a table and as JSON.") { seed };
        command.SetAction((parse, cancellationToken) => GuardAsync(stderr, () => Demo.RunAsync(parse.GetValue(seed), stdout, cancellationToken)));
        return command;
    }

    /// <summary>Reads JSON Lines into a fresh in-memory store, batch by batch, strictly or leniently.</summary>
    internal static async Task<IInteractionStore> LoadAsync(EventInput input, bool lenient, TextWriter stderr, CancellationToken cancellationToken)
    {
        var store = new InMemoryInteractionStore();
        await using var reader = new EventStreamReader(input.Stream, new EventReaderOptions { BatchSize = 50_000 }, leaveOpen: true);
        while (await reader.ReadBatchAsync(cancellationToken) is { } batch)
        {
            var result = await store.AppendAsync(batch, AppendMode.Lenient, cancellationToken);
            foreach (var error in result.Rejected)
            {
                if (!lenient)
                {
                    throw new EngagementValidationException("--events", input.Name, $"invalid --events {input.Name} line {error.LineNumber}: {error.Field}: {error.Message} (--lenient skips bad lines)");
                }

                await stderr.WriteLineAsync($"warning: {input.Name} line {error.LineNumber}: {error.Field}: {error.Message}: line skipped");
            }
        }

        return store;
    }

    /// <summary>
    /// An engine error about a parameter as an error about the command-line option that gave it, naming the option and
    /// the value as typed (unless the message names the option already).
    /// </summary>
    private static EngagementValidationException AsOption(EngagementValidationException ex, string option, string? given) =>
        new(option, given, ex.Message.Contains(option, StringComparison.Ordinal) ? ex.Message : $"invalid {option} '{given}': {ex.Message}");

    private static async Task<int> GuardAsync(TextWriter stderr, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (EngagementValidationException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return BadInput;
        }
        catch (EngagementStoreException ex)
        {
            // The store cannot be used (not a database, missing, unreachable, newer schema): the message names it.
            await stderr.WriteLineAsync($"error: invalid --store: {ex.Message}");
            return BadInput;
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("error: cancelled");
            return Failure;
        }
    }
}
