using System.CommandLine;
using EngagementMetrics.Json;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Cli;

/// <summary><c>engagement trend</c>: the Kore.ai user engagement trend document of a bot and period, from a file or a store.</summary>
internal static class TrendCommand
{
    /// <summary>The trend options, by the names <see cref="TrendQueryBinder"/> reads and names errors with.</summary>
    private static readonly TrendParameterNames Options = PeriodOptions.Names("--aggregation-type");

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("trend", "Prints the Kore.ai user engagement trend document for a bot and period.");
        var period = PeriodOptions.AddTo(command);
        period.AddValue(command, Options.Aggregation, "hourly (default) or daily.");
        var format = new Option<string?>("--format") { Description = "v2 (default) or v1: the Kore.ai document version." };
        command.Add(format);
        var output = QueryOutput.AddTo(command);
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, async () =>
        {
            var version = (parse.GetValue(format) ?? "v2").Trim().ToLowerInvariant() switch
            {
                "v2" => 2,
                "v1" => 1,
                var other => throw new EngagementValidationException("--format", other, $"invalid --format '{parse.GetValue(format)}': expected v2 or v1"),
            };
            var trend = await period.AskAsync(
                parse,
                stderr,
                (bot, value) => TrendQueryBinder.Bind(bot, value, Options),
                (engine, query, cancel) => engine.GetTrendAsync(query, cancel),
                (error, query) => TrendQueryBinder.InWireTerms(error, query, Options),
                cancellationToken);

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
