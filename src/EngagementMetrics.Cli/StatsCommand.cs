using System.CommandLine;
using EngagementMetrics.Events;
using EngagementMetrics.Json;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Cli;

/// <summary><c>engagement stats</c>: account or bot statistics (19 types) per hour, day, month or year.</summary>
internal static class StatsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
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
        var format = new Option<string?>("--format") { Description = "series (default): the series document; rows: one row per period, bot, channel and type." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip bad lines of the events file (a warning each) instead of refusing the file." };
        var command = new Command("stats", "Prints account or bot statistics (19 metric types) per hour, day, month or year over the last 1-30 days.")
        {
            events, storeSpec, account, bot, types, groupMode, days, zone, now, format, lenient,
        };
        var output = QueryOutput.AddTo(command);
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, async () =>
        {
            var botId = parse.GetValue(bot)!;
            var scope = botId == StatisticsQuery.AllBots ? StatisticsScope.Account : StatisticsScope.Bot;
            var documentFormat = parse.GetValue(format) is { } name ? StatisticsParameters.ParseFormat(name, "--format") : StatisticsFormat.Series;
            var query = new StatisticsQuery
            {
                AccountId = parse.GetValue(account)!,
                Bot = botId,
                Types = StatisticsParameters.ParseTypes(parse.GetValue(types), scope, "--types"),
                GroupMode = parse.GetValue(groupMode) is { } mode ? StatisticsParameters.ParseGroupMode(mode, "--group-mode") : StatisticsGroupMode.Day,
                Days = parse.GetValue(days) is { } d ? StatisticsParameters.ParseDays(d, "--days") : 7,
                TimeZone = TrendParameters.ParseTimeZone(parse.GetValue(zone), "--time-zone"),
                Scope = scope,
                Breakdown = documentFormat.ToBreakdown(),
            };
            TimeProvider clock = TimeProvider.System;
            if (parse.GetValue(now) is { } pinned)
            {
                clock = Rfc3339.TryParse(pinned, out var instant)
                    ? new FixedClock(instant)
                    : throw new EngagementValidationException("--now", pinned, $"invalid --now '{pinned}': expected an ISO instant such as 2025-12-07T12:00:00Z");
            }

            await using var source = await QuerySource.OpenAsync(parse.GetValue(events), parse.GetValue(storeSpec), parse.GetValue(lenient), stderr, cancellationToken);
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
                throw EngagementCli.AsOption(ex, "--now", pinnedNow);
            }

            await output.WriteAsync(parse, stdout, () => StatisticsJson.Serialize(result, documentFormat), () => EngagementCsv.Statistics(result, documentFormat));
            return EngagementCli.Ok;
        }));
        return command;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
