using System.CommandLine;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Spectre.Console;

namespace EngagementMetrics.Cli;

/// <summary>
/// A realistic synthetic history: a support bot in New York on three channels, over the week in which clocks fall
/// back (2025-11-02), with regulars who come back and a steady trickle of newcomers.
/// </summary>
internal static class Demo
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic history.", DefaultValueFactory = _ => 2025 };
        var export = new Option<string?>("--export") { Description = "Write the demo's events to this JSON Lines file (- for standard output) instead of showing the trend, to go on with ingest and trend --store." };
        var command = new Command("demo", "Generates a realistic synthetic bot history and shows its engagement trend as a table and as JSON.") { seed, export };
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, () => parse.GetValue(export) is { } file
            ? ExportAsync(parse.GetValue(seed), file, stdout, stderr, cancellationToken)
            : RunAsync(parse.GetValue(seed), stdout, cancellationToken)));
        return command;
    }

    // A shell word: as is when it is safe, else in single quotes (so the printed commands paste as they are).
    private static string Quoted(string word) =>
        word.All(c => char.IsAsciiLetterOrDigit(c) || "-_.:/+=@,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";

    /// <summary>Writes the demo's events as JSON Lines and says what to run next.</summary>
    public static async Task<int> ExportAsync(int seed, string file, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var events = Generate(seed);
        if (file == "-")
        {
            await using var output = Console.OpenStandardOutput();
            await EventJsonWriter.WriteJsonLinesAsync(output, events, cancellationToken);
            await stderr.WriteLineAsync($"demo: {events.Count} events of bot {BotId} written to standard output");
            return EngagementCli.Ok;
        }

        try
        {
            await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
            await EventJsonWriter.WriteJsonLinesAsync(stream, events, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngagementValidationException("--export", file, $"invalid --export '{file}': {ex.Message}");
        }

        var store = Quoted("sqlite:" + Path.ChangeExtension(Path.GetFileName(file), ".db"));
        await stdout.WriteLineAsync($"demo: {events.Count} events of bot {BotId} written to {file}");
        await stdout.WriteLineAsync($"  next: engagement ingest --store {store} --events {Quoted(file)}");
        await stdout.WriteLineAsync($"        engagement trend --store {store} --bot {BotId} --start-date {Start:yyyy-MM-dd} --end-date {End:yyyy-MM-dd} --aggregation-type daily --time-zone {Zone}");
        return EngagementCli.Ok;
    }

    public const string BotId = "demo-bot";
    public const string Zone = "America/New_York";
    public static readonly DateOnly Start = new(2025, 10, 29);
    public static readonly DateOnly End = new(2025, 11, 4);

    public static async Task<int> RunAsync(int seed, TextWriter stdout, CancellationToken cancellationToken)
    {
        var events = Generate(seed);
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events, AppendMode.Strict, cancellationToken);
        var engine = new EngagementEngine(store);
        var query = new TrendQuery
        {
            BotId = BotId,
            StartDate = Start,
            EndDate = End,
            TimeZone = TimeZoneParser.Parse(Zone),
            Aggregation = TrendAggregation.Daily,
        };
        var trend = await engine.GetTrendAsync(query, cancellationToken);
        var hourly = await engine.GetTrendAsync(query with { Aggregation = TrendAggregation.Hourly }, cancellationToken);

        var console = Terminal.Console(stdout);
        console.MarkupLine($"[bold]{BotId}[/]: {events.Count:N0} events, {Start:yyyy-MM-dd} to {End:yyyy-MM-dd} in {Zone} (clocks fall back on 2025-11-02)");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Date").AddColumn(new TableColumn("Unique").RightAligned()).AddColumn(new TableColumn("New").RightAligned())
            .AddColumn(new TableColumn("Returning").RightAligned()).AddColumn(new TableColumn("Busiest local hour").RightAligned());
        foreach (var day in trend.Buckets)
        {
            var busiest = hourly.Buckets.Where(b => b.Date == day.Date).MaxBy(b => b.UniqueUsers);
            table.AddRow(
                day.Date.ToString("ddd yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                day.UniqueUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                day.NewUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                day.ReturningUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"{busiest.Hour:00}:00 ({busiest.UniqueUsers})");
        }

        var s = trend.Summary;
        table.AddEmptyRow();
        table.AddRow("[bold]Period[/]", $"[bold]{s.UniqueUsers}[/]", $"[bold]{s.NewUsers}[/]", $"[bold]{s.ReturningUsers}[/]", string.Empty);
        table.AddRow("Per day", s.AvgUniqueUsersPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture), s.AvgNewUsersPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture), s.AvgReturningUsersPerDay.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Empty);
        console.Write(table);
        console.MarkupLine("The period total is a distinct count, so it is smaller than the sum of the days.");
        console.WriteLine();
        console.MarkupLine($"[bold]Kore.ai v2 document[/] (engagement trend --bot {BotId} --start-date {Start:yyyy-MM-dd} --end-date {End:yyyy-MM-dd} --aggregation-type daily --time-zone {Zone}):");
        await stdout.WriteLineAsync(KoreTrendJson.SerializeV2(trend));
        return EngagementCli.Ok;
    }

    /// <summary>The synthetic history, deterministic for a seed.</summary>
    public static List<InteractionEvent> Generate(int seed)
    {
        var random = new Random(seed);
        var zone = TimeZoneParser.Parse(Zone);
        var channels = new[] { "rtm", "rtm", "rtm", "slack", "whatsapp" };
        var regulars = Enumerable.Range(0, 60).Select(i => $"regular-{i:000}").ToArray();
        var events = new List<InteractionEvent>();
        var conversationNumber = 0;
        var historyStart = Start.AddDays(-28);
        var newcomer = 0;
        var newcomers = new List<(string User, DateOnly First)>();
        for (var date = historyStart; date <= End; date = date.AddDays(1))
        {
            var weekend = date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var visitors = regulars.Where(_ => random.NextDouble() < (weekend ? 0.15 : 0.35)).ToList();

            // Some newcomers come back in their first two weeks, fewer as the days pass (so retention has a shape).
            visitors.AddRange(newcomers.Where(n => date.DayNumber - n.First.DayNumber is > 0 and <= 14
                && random.NextDouble() < (weekend ? 0.5 : 1.0) * 0.3 / (date.DayNumber - n.First.DayNumber)).Select(n => n.User));
            var arrivals = Enumerable.Range(0, random.Next(weekend ? 2 : 5, weekend ? 6 : 12)).Select(_ => $"visitor-{newcomer++:0000}").ToList();
            newcomers.AddRange(arrivals.Select(user => (user, date)));
            visitors.AddRange(arrivals);
            foreach (var user in visitors)
            {
                // Office hours peak around 10:00 and 15:00 local.
                var hour = Math.Clamp((int)Math.Round(random.NextDouble() < 0.5 ? Normal(random, 10, 2) : Normal(random, 15, 2.5)), 0, 23);
                var local = date.ToDateTime(new TimeOnly(hour, random.Next(60), random.Next(60)));
                if (zone.IsInvalidTime(local))
                {
                    local = local.AddHours(1);
                }

                var start = new DateTimeOffset(local, zone.GetUtcOffset(local));
                var conversation = $"conv-{conversationNumber++:00000}";
                var channel = channels[random.Next(channels.Length)];
                var botInitiated = random.NextDouble() < 0.1;
                var t = start;
                if (!botInitiated)
                {
                    events.Add(Make(user, conversation, channel, t, InteractionKind.MessageIn, intent: random.NextDouble() < 0.8));
                }

                for (var turn = 0; turn < random.Next(1, 5); turn++)
                {
                    t = t.AddSeconds(random.Next(2, 30));
                    events.Add(Make(user, conversation, channel, t, InteractionKind.MessageOut, fallback: random.NextDouble() < 0.1));
                    if (botInitiated)
                    {
                        break;
                    }

                    t = t.AddSeconds(random.Next(5, 120));
                    events.Add(Make(user, conversation, channel, t, random.NextDouble() < 0.3 ? InteractionKind.ActionIn : InteractionKind.MessageIn, intent: random.NextDouble() < 0.8));
                }

                if (random.NextDouble() < 0.7)
                {
                    events.Add(new InteractionEvent { EventId = $"{conversation}-close", BotId = BotId, ConversationId = conversation, Timestamp = t.AddMinutes(5), Kind = InteractionKind.ConversationClosed, Channel = channel });
                }
            }
        }

        return events;

        InteractionEvent Make(string user, string conversation, string channel, DateTimeOffset at, InteractionKind kind, bool? intent = null, bool? fallback = null) => new()
        {
            EventId = $"{conversation}-{events.Count}",
            BotId = BotId,
            UserId = user,
            ConversationId = conversation,
            Channel = channel,
            Timestamp = at,
            Kind = kind,
            IntentMatched = kind == InteractionKind.MessageIn ? intent : null,
            Fallback = kind == InteractionKind.MessageOut ? fallback : null,
        };
    }

    private static double Normal(Random random, double mean, double deviation) =>
        mean + (deviation * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
