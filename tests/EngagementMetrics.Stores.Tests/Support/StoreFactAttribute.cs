using Xunit.Abstractions;
using Xunit.Sdk;

namespace EngagementMetrics.Stores.Tests.Support;

/// <summary>A conformance fact: skipped with a visible reason when its class needs a server that is not configured.</summary>
[XunitTestCaseDiscoverer("EngagementMetrics.Stores.Tests.Support.StoreFactDiscoverer", "EngagementMetrics.Stores.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute
{
}

/// <summary>Marks a test class whose store is the PostgreSQL server named by <see cref="PostgresServer.EnvironmentVariable"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute
{
}

/// <summary>Discovers <see cref="StoreFactAttribute"/> facts as <see cref="StoreTestCase"/>s.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        [new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)];
}

/// <summary>
/// A fact skipped with a visible reason when its class is marked <see cref="RequiresPostgresAttribute"/> and no server
/// is configured (never under CI=true, where it runs and fails).
/// </summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer", error: true)]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    // Decided from the test method alone, so it holds however the runner builds or de-serializes the case.
    protected override string? GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any() ? PostgresServer.SkipReason : base.GetSkipReason(factAttribute);
}
