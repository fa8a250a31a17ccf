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
        root.Add(LifecycleCommand.Create(stdout, stderr));
        root.Add(RetentionCommand.Create(stdout, stderr));
        root.Add(Ingest.Create(stdout, stderr));
        root.Add(Migrate.Create(stdout, stderr));
        root.Add(StatsCommand.Create(stdout, stderr));
        root.Add(BusierCommand.Create("busier-hourly", "Prints Rocket.Chat's chat-busier hourly data: distinct users per two-hour bucket over the 24 hours before --start.", hourly: true, stdout, stderr));
        root.Add(BusierCommand.Create("busier-weekly", "Prints Rocket.Chat's chat-busier weekly data: distinct users per local date, date(--start) - 7 through date(--start).", hourly: false, stdout, stderr));
        root.Add(Demo.Create(stdout, stderr));
        root.Add(Serve.Create(stdout, stderr));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: {Describe(parse, root)}");
            return BadInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>
    /// A command line the parser refused, in one line: an unknown command or option names the nearest one (a typo such
    /// as <c>trends</c> or <c>--evnts</c>), a missing command lists the commands; anything else is the parser's message.
    /// </summary>
    internal static string Describe(ParseResult parse, RootCommand root)
    {
        var command = parse.CommandResult.Command;
        var unknown = parse.UnmatchedTokens.FirstOrDefault();
        if (command == root)
        {
            var commands = root.Subcommands.Select(c => c.Name).ToList();
            if (unknown is null || unknown.StartsWith('-'))
            {
                return unknown is null
                    ? $"a command is required: {string.Join(", ", commands)} (engagement --help says what each does)"
                    : $"unknown option '{unknown}'; a command comes first: {string.Join(", ", commands)}";
            }

            return Nearest(unknown, commands) is { } near
                ? $"'{unknown}' is not a command; did you mean '{near}'? (engagement --help lists them)"
                : $"'{unknown}' is not a command; the commands are {string.Join(", ", commands)}";
        }

        if (unknown is not null && unknown.StartsWith('-'))
        {
            var options = command.Options.Where(o => !o.Hidden).Select(o => o.Name).ToList();
            return Nearest(unknown.Split('=')[0], options) is { } near
                ? $"unknown option '{unknown}' for {command.Name}; did you mean '{near}'? (engagement {command.Name} --help lists them)"
                : $"unknown option '{unknown}' for {command.Name}; it takes {string.Join(", ", options)}";
        }

        return parse.Errors[0].Message;
    }

    // The candidate closest to what was typed, if it is close: within a third of its length in edits (at least 2), or
    // one that starts with it.
    private static string? Nearest(string typed, IReadOnlyList<string> candidates)
    {
        var best = candidates.Select(c => (Name: c, Distance: Distance(typed, c))).OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        if (best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 3))
        {
            return best.Name;
        }

        return candidates.FirstOrDefault(c => c.StartsWith(typed, StringComparison.Ordinal));
    }

    // Levenshtein distance (insertions, deletions, substitutions), case-insensitive.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
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
            // The store failed while the command ran (a store that cannot be used at all is refused when it is opened, as
            // an invalid --store): a sharded store's shard that went away, say. The message names the store and the shard.
            await stderr.WriteLineAsync($"error: {ex.Message.ReplaceLineEndings(" ")}");
            return Failure;
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
