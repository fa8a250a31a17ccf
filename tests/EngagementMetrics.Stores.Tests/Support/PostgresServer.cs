using EngagementMetrics.Conformance;

namespace EngagementMetrics.Stores.Tests.Support;

/// <summary>Where the PostgreSQL tests find their server.</summary>
public static class PostgresServer
{
    /// <summary>Holds an Npgsql connection string; <c>.ci/run</c> sets it after starting a throw-away server.</summary>
    public const string EnvironmentVariable = "EM_POSTGRES_CONNECTION";

    /// <summary>The connection string, or a clear failure when it is missing (only reached under CI=true).</summary>
    public static string RequireConnectionString() => StoreEnvironment.Require(EnvironmentVariable);
}

/// <summary>Marks a test class whose store is the PostgreSQL server named by <see cref="PostgresServer.EnvironmentVariable"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : RequiresEnvironmentVariableAttribute
{
    public RequiresPostgresAttribute()
        : base(PostgresServer.EnvironmentVariable)
    {
        Hint = "no PostgreSQL server configured; set it to an Npgsql connection string (.ci/run starts a server)";
    }
}
