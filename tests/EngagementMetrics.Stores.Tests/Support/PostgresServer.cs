namespace EngagementMetrics.Stores.Tests.Support;

/// <summary>Where the PostgreSQL tests find their server.</summary>
public static class PostgresServer
{
    /// <summary>Holds an Npgsql connection string; <c>.ci/run</c> sets it after starting a throw-away server.</summary>
    public const string EnvironmentVariable = "EM_POSTGRES_CONNECTION";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why PostgreSQL tests are skipped here, or null when they run (a server is configured, or CI=true).</summary>
    public static string? SkipReason => ConnectionString is null && !IsCi
        ? $"no PostgreSQL server configured: set {EnvironmentVariable} to an Npgsql connection string (.ci/run starts one); under CI=true these tests fail instead"
        : null;

    /// <summary>The connection string, or a clear failure when it is missing (only reached under CI=true).</summary>
    public static string RequireConnectionString() => ConnectionString
        ?? throw new InvalidOperationException($"{EnvironmentVariable} is not set and CI=true: PostgreSQL tests must run in CI (.ci/run starts a server and sets it).");
}
