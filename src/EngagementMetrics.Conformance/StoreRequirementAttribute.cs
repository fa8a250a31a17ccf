namespace EngagementMetrics.Conformance;

/// <summary>
/// Something a store test class needs from its environment (a server, a file system feature). Put a subclass on the
/// test class; its <see cref="StoreFactAttribute"/> tests are skipped, with <see cref="SkipReason"/> shown, when it is not met.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = true)]
public abstract class StoreRequirementAttribute : Attribute
{
    /// <summary>Why the class's tests cannot run here, or <see langword="null"/> when they can.</summary>
    public abstract string? SkipReason { get; }
}
