namespace EngagementMetrics.Conformance;

/// <summary>
/// The test class needs an environment variable, typically a server's connection string: without it the tests are
/// skipped with a reason naming the variable, except under <c>CI=true</c>, where they run and fail, so a CI job that
/// forgot to start the server shows red instead of green.
/// </summary>
/// <example>
/// <code>
/// [RequiresEnvironmentVariable("MYSTORE_CONNECTION", Hint = "start a server with ./dev/start-db")]
/// public sealed class MyStoreConformanceTests : StoreConformanceTests { ... }
/// </code>
/// </example>
/// <param name="name">The variable.</param>
public class RequiresEnvironmentVariableAttribute(string name) : StoreRequirementAttribute
{
    /// <summary>The variable.</summary>
    public string Name { get; } = name;

    /// <summary>A sentence on how to set the variable, appended to the skip reason.</summary>
    public string? Hint { get; init; }

    /// <inheritdoc />
    public override string? SkipReason => StoreEnvironment.Get(Name) is null && !StoreEnvironment.IsCi
        ? $"{Name} is not set{(Hint is null ? string.Empty : ": " + Hint)}; under CI=true these tests fail instead"
        : null;
}
