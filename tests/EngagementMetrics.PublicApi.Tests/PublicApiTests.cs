using System.Reflection;

namespace EngagementMetrics.PublicApi.Tests;

/// <summary>
/// The public surface of every shipped package, held equal to a committed listing (<c>api/PACKAGE.txt</c>, net10.0
/// assets): a change to it is a change to those files, reviewed with the code. On a difference the test writes
/// <c>api/PACKAGE.received.txt</c> and fails naming the first differing lines; <c>EM_ACCEPT_API=1</c> rewrites the
/// listing instead (then review the diff). Microsoft.CodeAnalysis.PublicApiAnalyzers, which does this at build time,
/// does not restore here.
/// </summary>
public sealed class PublicApiTests
{
    public static TheoryData<string> Packages => new()
    {
        "EngagementMetrics",
        "EngagementMetrics.InMemory",
        "EngagementMetrics.Sqlite",
        "EngagementMetrics.PostgreSql",
        "EngagementMetrics.Json",
        "EngagementMetrics.AspNetCore",
        "EngagementMetrics.Conformance",
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_public_surface_is_the_committed_listing(string package)
    {
        var listing = PublicApiListing.Of(Assembly.Load(package));
        var approved = Path.Combine(ApiDirectory(), package + ".txt");
        var received = Path.ChangeExtension(approved, ".received.txt");
        if (Environment.GetEnvironmentVariable("EM_ACCEPT_API") == "1")
        {
            File.WriteAllText(approved, listing);
            File.Delete(received);
            return;
        }

        var expected = File.Exists(approved) ? File.ReadAllText(approved).ReplaceLineEndings("\n") : string.Empty;
        if (expected == listing)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, listing);
        var a = expected.Split('\n');
        var b = listing.Split('\n');
        var removed = a.Except(b).Take(10).ToList();
        var added = b.Except(a).Take(10).ToList();
        Assert.Fail($"The public API of {package} changed. Removed: [{string.Join(" | ", removed)}]; added: [{string.Join(" | ", added)}]. "
            + $"If intended, run the tests with EM_ACCEPT_API=1 (or copy {received} over {approved}) and commit the listing.");
    }

    [Fact]
    public void The_listing_names_types_and_members_in_a_stable_readable_form()
    {
        var listing = PublicApiListing.Of(typeof(EngagementMetrics.Trends.TrendQuery).Assembly);

        listing.Should().Contain("public sealed record class EngagementMetrics.Trends.TrendQuery");
        listing.Should().Contain("  public EngagementMetrics.Trends.TrendAggregation Aggregation { get; init; }");
        listing.Should().Contain("public enum EngagementMetrics.Trends.TrendAggregation");
        listing.Should().Contain("  Hourly = 0");
        listing.Should().NotContain("EngagementMetrics.Trends.BucketPlan", "internal types are not listed");
    }

    // The listings in the source tree, found upwards from the test's output directory (a CI build maps source paths, so
    // the caller's file path is not a real path there).
    private static string ApiDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "EngagementMetrics.PublicApi.Tests", "api");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/EngagementMetrics.PublicApi.Tests/api was not found above {AppContext.BaseDirectory}");
    }
}
