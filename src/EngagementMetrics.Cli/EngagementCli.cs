using System.CommandLine;

namespace EngagementMetrics.Cli;

/// <summary>The <c>engagement</c> command line. Exit codes: 0 success, 2 bad input, 1 unexpected failure.</summary>
internal static class EngagementCli
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Engagement metrics for bot and chat backends: unique, new and returning users, in any time zone.");
        root.Add(TrendCommand.Create(stdout, stderr));
        root.Add(Ingest.Create(stdout, stderr));
        root.Add(StatsCommand.Create(stdout, stderr));
        root.Add(BusierCommand.Create("busier-hourly", "Prints Rocket.Chat's chat-busier hourly data: distinct users per two-hour bucket over the 24 hours before --start.", hourly: true, stdout, stderr));
        root.Add(BusierCommand.Create("busier-weekly", "Prints Rocket.Chat's chat-busier weekly data: distinct users per local date, date(--start) - 7 through date(--start).", hourly: false, stdout, stderr));
        root.Add(Demo.Create(stdout, stderr));
        root.Add(Serve.Create(stdout, stderr));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: {parse.Errors[0].Message}");
            return BadInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>
    /// An engine error about a parameter as an error about the command-line option that gave it, naming the option and
    /// the value as typed (unless the message names the option already).
    /// </summary>
    internal static EngagementValidationException AsOption(EngagementValidationException ex, string option, string? given) =>
        new(option, given, ex.Message.Contains(option, StringComparison.Ordinal) ? ex.Message : $"invalid {option} '{given}': {ex.Message}");

    internal static async Task<int> GuardAsync(TextWriter stderr, Func<Task<int>> action)
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
