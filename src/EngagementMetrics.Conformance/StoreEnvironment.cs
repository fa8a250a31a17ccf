namespace EngagementMetrics.Conformance;

/// <summary>What store tests read from their environment.</summary>
public static class StoreEnvironment
{
    /// <summary>Whether the tests run in CI (<c>CI=true</c>), where a missing server is a failure, not a skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The variable's value, or <see langword="null"/> when it is unset or empty.</summary>
    /// <param name="name">The variable.</param>
    public static string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>The variable's value, or a clear failure naming it (reached when a test runs without it, that is under CI=true).</summary>
    /// <param name="name">The variable.</param>
    /// <exception cref="InvalidOperationException">The variable is not set.</exception>
    public static string Require(string name) => Get(name)
        ?? throw new InvalidOperationException($"{name} is not set and CI=true: these tests must run in CI, so start what they need and set {name}.");
}
