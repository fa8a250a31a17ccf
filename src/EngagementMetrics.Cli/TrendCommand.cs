using System.CommandLine;
using EngagementMetrics.Json;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Cli;

/// <summary><c>engagement trend</c>: the Kore.ai user engagement trend document of a bot and period, from a file or a store.</summary>
internal static class TrendCommand
{
    /// <summary>The trend options, by the names <see cref="TrendQueryBinder"/> reads and names errors with.</summary>
    private static readonly TrendParameterNames Options = new("--start-date", "--end-date", "--aggregation-type", "--channels", "--time-zone", "--conversation-type", "--conversation-status");

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var events = new Option<string?>("--events") { Description = "JSON Lines file of interaction events (read into memory), or - for standard input." };
        var storeSpec = new Option<string?>("--store") { Description = "Read from a store instead: sqlite:PATH or postgres:CONNECTION_STRING." };
        var bot = new Option<string>("--bot") { Description = "Bot (stream) id.", Required = true };
        var start = new Option<string>(Options.StartDate) { Description = "First local date, YYYY-MM-DD.", Required = true };
        var end = new Option<string>(Options.EndDate) { Description = "Last local date, YYYY-MM-DD (inclusive).", Required = true };
        var aggregation = new Option<string?>(Options.Aggregation) { Description = "hourly (default) or daily." };
        var zone = new Option<string?>(Options.TimeZone) { Description = "IANA or Windows zone, UTC, or an offset such as +05:30. Default UTC." };
        var channels = new Option<string?>(Options.Channels) { Description = "Comma-separated channels; empty or All means every channel." };
        var type = new Option<string?>(Options.ConversationType) { Description = "all (default), interactive or \"non interactive\"." };
        var status = new Option<string?>(Options.ConversationStatus) { Description = "all (default), active or closed." };
        var format = new Option<string?>("--format") { Description = "v2 (default) or v1: the Kore.ai document version." };
        var lenient = new Option<bool>("--lenient") { Description = "Skip bad lines of the events file (a warning each) instead of refusing the file." };

        var command = new Command("trend", "Prints the Kore.ai user engagement trend document for a bot and period.")
        {
            events, storeSpec, bot, start, end, aggregation, zone, channels, type, status, format, lenient,
        };
        var output = QueryOutput.AddTo(command);
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, async () =>
        {
            var version = (parse.GetValue(format) ?? "v2").Trim().ToLowerInvariant() switch
            {
                "v2" => 2,
                "v1" => 1,
                var other => throw new EngagementValidationException("--format", other, $"invalid --format '{parse.GetValue(format)}': expected v2 or v1"),
            };
            var values = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [Options.StartDate] = parse.GetValue(start),
                [Options.EndDate] = parse.GetValue(end),
                [Options.Aggregation] = parse.GetValue(aggregation),
                [Options.Channels] = parse.GetValue(channels),
                [Options.TimeZone] = parse.GetValue(zone),
                [Options.ConversationType] = parse.GetValue(type),
                [Options.ConversationStatus] = parse.GetValue(status),
            };
            var query = TrendQueryBinder.Bind(parse.GetValue(bot)!, name => values[name], Options);

            var file = parse.GetValue(events);
            var spec = parse.GetValue(storeSpec);
            await using var source = await QuerySource.OpenAsync(file, spec, parse.GetValue(lenient), stderr, cancellationToken);
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
                var named = TrendQueryBinder.InWireTerms(ex, query, Options);
                var option = named.ParameterName == nameof(TrendQuery.BotId) ? "--bot" : named.ParameterName;
                throw EngagementCli.AsOption(named, option, values.GetValueOrDefault(option) ?? named.Value);
            }

            await output.WriteAsync(
                parse,
                stdout,
                () => version == 2 ? KoreTrendJson.SerializeV2(trend) : KoreTrendJson.SerializeV1(trend),
                () => version == 2 ? EngagementCsv.KoreV2(trend) : EngagementCsv.KoreV1(trend));
            return EngagementCli.Ok;
        }));
        return command;
    }
}
