using System.ComponentModel;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace EngagementMetrics.Conformance;

/// <summary>
/// A <see cref="StoreFactAttribute"/> fact, skipped with its reason when a <see cref="StoreRequirementAttribute"/> of its
/// class is not met (used by xUnit, not by tests).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StoreTestCase : XunitTestCase
{
    /// <summary>Called by the de-serializer.</summary>
    [Obsolete("Called by the de-serializer", error: true)]
    public StoreTestCase()
    {
    }

    /// <summary>Creates the test case.</summary>
    /// <param name="sink">xUnit's diagnostics.</param>
    /// <param name="display">How the test is named.</param>
    /// <param name="options">How the name is shown.</param>
    /// <param name="method">The test method.</param>
    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    /// <inheritdoc />
    /// <remarks>Decided from the test class alone, so it holds however the runner builds or de-serializes the case.</remarks>
    protected override string? GetSkipReason(IAttributeInfo factAttribute)
    {
        var type = (TestMethod.TestClass.Class as IReflectionTypeInfo)?.Type;
        var unmet = type?.GetCustomAttributes(typeof(StoreRequirementAttribute), inherit: true)
            .Cast<StoreRequirementAttribute>()
            .Select(r => r.SkipReason)
            .FirstOrDefault(reason => reason is not null);
        return unmet ?? base.GetSkipReason(factAttribute);
    }
}
