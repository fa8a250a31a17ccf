using System.CommandLine;
using EngagementMetrics.Json;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Cli;

/// <summary><c>engagement busier-hourly</c> and <c>busier-weekly</c>: Rocket.Chat's chat-busier data.</summary>
internal static class BusierCommand
{
    public static Command Create(string name, string description, bool hourly, TextWriter stdout, TextWriter stderr)
    {
        var events = new Option<string?>("--events") { Description = "JSON Lines file of interaction events (read into memory), or - for standard input." };
        var storeSpec = new Option<string?>("--store") { Description = "Read from a store instead: sqlite:PATH or postgres:CONNECTION_STRING." };
        var bot = new Option<string>("--bot") { Description = "Bot id (the workspace's bot).", Required = true };
        var start = new Option<string>("--start") { Description = "An ISO instant, e.g. 2023-05-19T00:00:00.000Z.", Required = true };
        var zone = new Option<string?>("--time-zone") { Description = "Zone of the local hours and dates (IANA, Windows, UTC or +05:30). Default UTC." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip bad lines of the events file (a warning each) instead of refusing the file." };
        var command = new Command(name, description) { events, storeSpec, bot, start, zone, lenient };
        var output = QueryOutput.AddTo(command);
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, async () =>
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
            await using var source = await QuerySource.OpenAsync(parse.GetValue(events), parse.GetValue(storeSpec), parse.GetValue(lenient), stderr, cancellationToken);
            await using (var snapshot = await source.Store.OpenSnapshotAsync(botId, cancellationToken))
            {
                if (snapshot is null)
                {
                    throw new EngagementValidationException("--bot", botId, $"invalid --bot '{botId}': {source.Name} has no event of that bot");
                }
            }

            var engine = new EngagementEngine(source.Store);
            Func<string> json;
            Func<CsvTable> table;
            try
            {
                if (hourly)
                {
                    var data = await engine.GetChatBusierHourlyAsync(botId, at, timeZone, cancellationToken);
                    (json, table) = (() => RocketChatJson.SerializeHourly(data), () => EngagementCsv.ChatBusierHourly(data));
                }
                else
                {
                    var data = await engine.GetChatBusierWeeklyAsync(botId, at, timeZone, cancellationToken);
                    (json, table) = (() => RocketChatJson.SerializeWeekly(data), () => EngagementCsv.ChatBusierWeekly(data));
                }
            }
            catch (EngagementValidationException ex) when (ex.ParameterName == "start")
            {
                // An instant too close to either end of the calendar.
                throw EngagementCli.AsOption(ex, "--start", parse.GetValue(start));
            }

            await output.WriteAsync(parse, stdout, json, table);
            return EngagementCli.Ok;
        }));
        return command;
    }
}
