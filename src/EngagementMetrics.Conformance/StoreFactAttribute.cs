using Xunit;
using Xunit.Sdk;

namespace EngagementMetrics.Conformance;

/// <summary>
/// A fact of a store test class: skipped with a visible reason when the class carries a
/// <see cref="StoreRequirementAttribute"/> that is not met here (for example no database server configured).
/// </summary>
[XunitTestCaseDiscoverer("EngagementMetrics.Conformance.StoreFactDiscoverer", "EngagementMetrics.Conformance")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute
{
}
