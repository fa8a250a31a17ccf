using EngagementMetrics.Conformance;
using Xunit.Sdk;

namespace EngagementMetrics.Cli.Tests.Browser;

/// <summary>
/// A fact that needs a browser: skipped with a visible reason when its class's <see cref="RequiresChromiumAttribute"/>
/// is not met (the conformance package's skip-with-reason test case, whose requirement here is Chromium).
/// </summary>
[XunitTestCaseDiscoverer("EngagementMetrics.Conformance.StoreFactDiscoverer", "EngagementMetrics.Conformance")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
}

/// <summary>The class drives Chromium: without one its tests are skipped locally, and fail under CI=true (.ci/run installs it).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresChromiumAttribute : StoreRequirementAttribute
{
    public override string? SkipReason => Chromium.Executable is null && !StoreEnvironment.IsCi
        ? "no Chromium: install Debian's chromium (.ci/run does) or set EM_CHROMIUM to a Chromium or Chrome binary; under CI=true these tests fail instead"
        : null;
}
