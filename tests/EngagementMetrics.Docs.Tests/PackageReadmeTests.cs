using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EngagementMetrics.Docs.Tests;

/// <summary>Each package carries its own README (src/*/README.md), written for its package page.</summary>
public sealed partial class PackageReadmeTests
{
    public static TheoryData<string> Packages() => new(
        Directory.EnumerateFiles(Path.Combine(Markdown.Root, "src"), "*.csproj", SearchOption.AllDirectories).Select(Markdown.Relative).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Packages))]
    public void A_package_has_its_own_readme_that_installs_it(string projectPath)
    {
        var project = XDocument.Load(Path.Combine(Markdown.Root, projectPath));
        var id = project.Descendants("PackageId").SingleOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(projectPath);
        var readme = Path.Combine(Markdown.Root, Path.GetDirectoryName(projectPath)!, "README.md");

        File.Exists(readme).Should().BeTrue($"{id} packs README.md from its project directory");
        var text = File.ReadAllText(readme);
        text.Should().StartWith($"# {id}\n");
        var install = project.Descendants("PackAsTool").Any(e => e.Value == "true") ? $"dotnet tool install -g {id}" : $"dotnet add package {id}";
        text.Should().Contain(install);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void A_package_readme_links_only_to_absolute_urls(string projectPath)
    {
        var text = File.ReadAllText(Path.Combine(Markdown.Root, Path.GetDirectoryName(projectPath)!, "README.md"));

        // On a package page a relative link leads nowhere.
        Link().Matches(text).Select(m => m.Groups[1].Value).Should().OnlyContain(url => url.StartsWith("https://", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
