using System.Diagnostics;
using System.Globalization;
using Npgsql;

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

    /// <summary>Starts the writer and reads its output until it has committed its first batch and started the second.</summary>
    /// <returns>The running writer and the lines it printed (<c>committed 1</c>, <c>started 2</c>).</returns>
    public static async Task<(Process Process, List<string> Lines)> StartSecondBatchAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        var process = Process.Start(start)!;
        var lines = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
            if (line == "started 2")
            {
                break;
            }
        }

        lines.Should().Equal(["committed 1", "started 2"], "the writer commits its first batch, then starts the second");
        return (process, lines);
    }

    /// <summary>True when a session named <paramref name="application"/> holds the row-exclusive lock of an INSERT into <paramref name="table"/>.</summary>
    public static async Task<bool> HoldsInsertLockAsync(NpgsqlDataSource dataSource, string application, string table, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.application_name = $1 AND l.locktype = 'relation' AND l.granted AND l.mode = 'RowExclusiveLock' AND l.relation = to_regclass($2))");
        command.Parameters.Add(new NpgsqlParameter { Value = application });
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>How many sessions named <paramref name="application"/> the server has.</summary>
    public static async Task<long> SessionsAsync(NpgsqlDataSource dataSource, string application, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = application });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
