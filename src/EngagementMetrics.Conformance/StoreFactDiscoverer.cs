using System.ComponentModel;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace EngagementMetrics.Conformance;

/// <summary>Discovers <see cref="StoreFactAttribute"/> facts as <see cref="StoreTestCase"/>s (used by xUnit, not by tests).</summary>
/// <param name="diagnosticMessageSink">xUnit's diagnostics.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}
