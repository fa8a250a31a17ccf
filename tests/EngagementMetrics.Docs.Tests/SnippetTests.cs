using System.Xml.Linq;

namespace EngagementMetrics.Docs.Tests;

/// <summary>
/// Every C# block of the user's markdown is compiled code: it names its source on its fence
/// (<c>```csharp source=PATH[#REGION]</c>), the source belongs to a project of EngagementMetrics.sln (so the solution
/// build compiles it), and the block is that source, character for character.
/// </summary>
public sealed class SnippetTests
{
    public static TheoryData<string> CSharpBlocks() => new(Markdown.CSharpBlocks().Select(b => b.ToString()));

    [Fact]
    public void The_markdown_has_csharp_blocks_to_check()
    {
        // The README quick start, docs/ and the package READMEs: a parser that found nothing would pass everything.
        Markdown.CSharpBlocks().Count().Should().BeGreaterThanOrEqualTo(19);
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void A_csharp_block_is_its_compiled_source(string where)
    {
        var block = Markdown.CSharpBlocks().Single(b => b.ToString() == where);

        block.Source.Should().NotBeNull($"{where} must name its compiled source on the fence: ```csharp source=PATH[#REGION]");
        var source = Markdown.SourceText(block.Source!, path => File.ReadAllText(Path.Combine(Markdown.Root, path)));
        Markdown.FirstDifference(source, block.Text).Should().BeNull($"{where} must equal {block.Source} (copy the source into the block, or the block into the source)");
    }

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void A_csharp_block_source_is_compiled_by_the_solution(string where)
    {
        var block = Markdown.CSharpBlocks().Single(b => b.ToString() == where);
        var file = new FileInfo(Path.Combine(Markdown.Root, block.Source!.Split('#')[0]));
        file.Exists.Should().BeTrue($"{where} names {block.Source}");

        var project = ProjectOf(file);
        project.Should().NotBeNull($"{block.Source} must be in a project directory");
        File.ReadAllText(Path.Combine(Markdown.Root, "EngagementMetrics.sln")).Replace('\\', '/')
            .Should().Contain($"\"{Markdown.Relative(project!.FullName)}\"", $"{block.Source} is compiled only if its project is built with the solution");
        file.Extension.Should().Be(".cs");
    }

    // The nearest directory above the file that holds a project file, and that project file.
    private static FileInfo? ProjectOf(FileInfo file)
    {
        for (var dir = file.Directory; dir is not null && dir.FullName.Length >= Markdown.Root.Length; dir = dir.Parent)
        {
            if (dir.GetFiles("*.csproj") is [var project])
            {
                return project;
            }
        }

        return null;
    }

    [Fact]
    public void A_block_that_drifts_from_its_region_is_reported()
    {
        const string Source = """
            class C
            {
                void M()
                {
                    #region r
                    var x = 1;
                    Use(x);
                    #endregion
                }
            }
            """;
        var markdown = "text\n```csharp source=C.cs#r\nvar x = 2;\nUse(x);\n```\n";

        var block = Markdown.Blocks("doc.md", markdown).Single();
        var source = Markdown.SourceText(block.Source!, _ => Source);

        source.Should().Be("var x = 1;\nUse(x);");
        Markdown.FirstDifference(source, block.Text).Should().Be("line 1 of the block: source has 'var x = 1;', markdown has 'var x = 2;'");
        Markdown.FirstDifference(source, "var x = 1;\nUse(x);").Should().BeNull();
        Markdown.FirstDifference(source, "var x = 1;\nUse(x);\nMore();").Should().Contain("line 3");
    }

    [Fact]
    public void The_readme_names_exactly_the_packages_its_quick_start_project_references()
    {
        var readme = File.ReadAllText(Path.Combine(Markdown.Root, "README.md")).ReplaceLineEndings("\n");
        var quickStart = readme.IndexOf("```csharp source=samples/EngagementMetrics.QuickStart/Program.cs", StringComparison.Ordinal);
        quickStart.Should().BePositive("the README shows the quick start's Program.cs");
        var beforeQuickStart = readme[..quickStart];
        var named = beforeQuickStart.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("dotnet add package ", StringComparison.Ordinal))
            .Select(l => l["dotnet add package ".Length..].Split(' ')[0]);

        var project = XDocument.Load(Path.Combine(Markdown.Root, "samples/EngagementMetrics.QuickStart/EngagementMetrics.QuickStart.csproj"));
        var referenced = project.Descendants("ProjectReference").Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .Concat(project.Descendants("PackageReference").Select(r => r.Attribute("Include")!.Value));

        named.Should().BeEquivalentTo(referenced, "the quick start compiles with the packages the README tells a user to add, and no others");
    }
}
