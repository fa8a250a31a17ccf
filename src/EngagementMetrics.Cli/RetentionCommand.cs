using System.CommandLine;
using EngagementMetrics.Json;
using EngagementMetrics.Retention;

namespace EngagementMetrics.Cli;

/// <summary>
/// <c>engagement retention</c>: the retention document of a bot and period (docs/lifecycle-retention.md): the users
/// first seen in each local day or ISO week, and how many of them are active in each interval after it.
/// </summary>
internal static class RetentionCommand
{
    private static readonly LifecycleParameterNames Options = LifecycleCommand.Options;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("retention", "Prints the retention document for a bot and period: each day's or ISO week's cohort of new users and how many come back in the intervals after it.");
        var period = PeriodOptions.AddTo(command);
        period.AddValue(command, Options.Interval, "day (default) or week (ISO weeks, counted whole).");
        period.AddValue(command, Options.Periods, $"How many intervals each cohort follows, its own included: 1 to {RetentionQuery.MaxPeriods} (default 8).");
        var output = QueryOutput.AddTo(command);
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, async () =>
        {
            var report = await period.AskAsync(
                parse,
                stderr,
                (bot, value) => LifecycleQueryBinder.BindRetention(bot, value, Options),
                (engine, query, cancel) => engine.GetRetentionAsync(query, cancel),
                (error, query) => LifecycleQueryBinder.InWireTerms(error, query, Options),
                cancellationToken);
            await output.WriteAsync(parse, stdout, () => LifecycleJson.Serialize(report), () => EngagementCsv.Retention(report));
            return EngagementCli.Ok;
        }));
        return command;
    }
}
