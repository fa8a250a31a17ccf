using System.CommandLine;
using EngagementMetrics.Json;

namespace EngagementMetrics.Cli;

/// <summary>
/// <c>engagement lifecycle</c>: the lifecycle document of a bot and period (docs/lifecycle-retention.md): per local
/// hour, day, week or month, the active users who are new, returning or resurrecting, and the dormant ones.
/// </summary>
internal static class LifecycleCommand
{
    /// <summary>
    /// The lifecycle and retention options, by the names <see cref="LifecycleQueryBinder"/> reads and names errors with:
    /// the trend's period options, <c>--aggregation</c>, <c>--interval</c>, <c>--periods</c>.
    /// </summary>
    internal static readonly LifecycleParameterNames Options = new(PeriodOptions.Names("--aggregation"), "--interval", "--periods");

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("lifecycle", "Prints the lifecycle document for a bot and period: new, returning, resurrecting and dormant users per hour, day, week or month.");
        var period = PeriodOptions.AddTo(command);
        period.AddValue(command, Options.Period.Aggregation, "hour, day (default), week (ISO, Monday first) or month.");
        var output = QueryOutput.AddTo(command);
        command.SetAction((parse, cancellationToken) => EngagementCli.GuardAsync(stderr, async () =>
        {
            var report = await period.AskAsync(
                parse,
                stderr,
                (bot, value) => LifecycleQueryBinder.BindLifecycle(bot, value, Options),
                (engine, query, cancel) => engine.GetLifecycleAsync(query, cancel),
                (error, query) => LifecycleQueryBinder.InWireTerms(error, query, Options),
                cancellationToken);
            await output.WriteAsync(parse, stdout, () => LifecycleJson.Serialize(report), () => EngagementCsv.Lifecycle(report));
            return EngagementCli.Ok;
        }));
        return command;
    }
}
