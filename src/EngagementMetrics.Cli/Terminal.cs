using Spectre.Console;

namespace EngagementMetrics.Cli;

/// <summary>The Spectre.Console console of a command's standard output.</summary>
internal static class Terminal
{
    // Wide enough for any table a command prints (the hourly trend has 26 columns), so that redirected output is never
    // wrapped or squeezed to the 80 columns Spectre.Console assumes without a terminal.
    private const int RedirectedWidth = 1000;

    /// <summary>
    /// A console on <paramref name="stdout"/>: colours and the terminal's width on a terminal; plain text and lines as
    /// long as their content when the output is redirected (a file, a pipe, a test's writer).
    /// </summary>
    public static IAnsiConsole Console(TextWriter stdout)
    {
        var terminal = ReferenceEquals(stdout, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
