using System.Diagnostics;
using System.Globalization;

namespace EngagementMetrics.Stores.Tests.Support;

/// <summary>Starts tests/EngagementMetrics.Stores.CrashWriter, built beside the tests (same configuration).</summary>
internal static class CrashWriterProcess
{
    /// <summary>How to run the writer: <c>dotnet CrashWriter.dll STORE TARGET COMMITTED DOOMED</c>, standard output redirected.</summary>
    public static ProcessStartInfo StartInfo(string store, string target, int committed, int doomed)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "EngagementMetrics.Stores.CrashWriter", "bin",
            new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "EngagementMetrics.Stores.CrashWriter.dll");
        File.Exists(writer).Should().BeTrue($"the crash writer is built with the tests ({writer})");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { writer, store, target, committed.ToString(CultureInfo.InvariantCulture), doomed.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
