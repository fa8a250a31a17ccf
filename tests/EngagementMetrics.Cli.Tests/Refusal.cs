namespace EngagementMetrics.Cli.Tests;

/// <summary>A command line with one option's value changed, and the documented refusal of a bad value (docs/cli.md).</summary>
internal static class Refusal
{
    /// <summary><paramref name="args"/> with <paramref name="option"/>'s value replaced, or the option and value added when absent.</summary>
    public static string[] WithOption(IEnumerable<string> args, string option, string value)
    {
        var list = args.ToList();
        var at = list.IndexOf(option);
        if (at >= 0)
        {
            list[at + 1] = value;
        }
        else
        {
            list.AddRange([option, value]);
        }

        return [.. list];
    }

    /// <summary>Exit code 2, nothing on standard output, one line on standard error naming the option and the value.</summary>
    public static void ShouldBeOneLineNaming(this (int Exit, string Out, string Err) run, string option, string value)
    {
        run.Exit.Should().Be(2);
        run.Out.Should().BeEmpty();
        run.Err.Should().StartWith("error: ").And.EndWith("\n").And.Contain(option).And.Contain(value);
        run.Err.TrimEnd('\n').Should().NotContain("\n");
    }
}
