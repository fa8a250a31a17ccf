using System.Text.RegularExpressions;

namespace EngagementMetrics.Docs.Tests;

/// <summary>A fenced code block of a markdown file: its language, the <c>source=</c> it names, its text and where it starts.</summary>
internal sealed record CodeBlock(string File, int Line, string Language, string? Source, string Text)
{
    public bool IsCSharp => Language is "csharp" or "cs" or "c#";

    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Reads the repository's markdown and the compiled sources its C# blocks name.</summary>
internal static partial class Markdown
{
    /// <summary>The repository's root: the directory of EngagementMetrics.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The markdown users read: README.md, docs/, and each package's README (src/*/README.md).</summary>
    public static IEnumerable<string> Files() =>
        new[] { "README.md" }
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Select(Relative))
            .Concat(Directory.EnumerateFiles(Path.Combine(Root, "src"), "README.md", SearchOption.AllDirectories).Select(Relative))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<CodeBlock> CSharpBlocks() => Files().SelectMany(f => Blocks(f, File.ReadAllText(Path.Combine(Root, f)))).Where(b => b.IsCSharp);

    /// <summary>The fenced blocks of a markdown text (``` fences; the info string is the language, then <c>source=PATH[#REGION]</c>).</summary>
    public static IEnumerable<CodeBlock> Blocks(string file, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var info = lines[i][3..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var source = info.Skip(1).FirstOrDefault(a => a.StartsWith("source=", StringComparison.Ordinal))?["source=".Length..];
            var end = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            if (end < 0)
            {
                throw new InvalidDataException($"{file}:{i + 1}: the code block is never closed");
            }

            yield return new CodeBlock(file, i + 1, info.FirstOrDefault() ?? string.Empty, source, string.Join('\n', lines[(i + 1)..end]));
            i = end;
        }
    }

    /// <summary>
    /// The text a block names: a whole file (<c>PATH</c>), or the lines between <c>#region NAME</c> and its
    /// <c>#endregion</c> (<c>PATH#NAME</c>) without their common indentation. Trailing newlines are not part of it.
    /// </summary>
    public static string SourceText(string source, Func<string, string> readFile)
    {
        var hash = source.IndexOf('#', StringComparison.Ordinal);
        var text = readFile(hash < 0 ? source : source[..hash]).ReplaceLineEndings("\n");
        if (hash < 0)
        {
            return text.TrimEnd('\n');
        }

        var name = source[(hash + 1)..];
        var lines = text.Split('\n');
        var start = Array.FindIndex(lines, l => RegionStart().Match(l) is { Success: true } m && m.Groups[1].Value == name);
        if (start < 0)
        {
            throw new InvalidDataException($"{source}: no '#region {name}'");
        }

        var end = Array.FindIndex(lines, start + 1, l => l.TrimStart().StartsWith("#endregion", StringComparison.Ordinal));
        if (end < 0 || lines[(start + 1)..end].Any(l => RegionStart().IsMatch(l)))
        {
            throw new InvalidDataException($"{source}: '#region {name}' has no #endregion before the next #region");
        }

        var body = lines[(start + 1)..end];
        var indent = body.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    /// <summary>The first line where two texts differ, for a message a reader can act on; null when equal.</summary>
    public static string? FirstDifference(string expected, string actual)
    {
        if (expected == actual)
        {
            return null;
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        return $"line {line + 1} of the block: source has '{(line < e.Length ? e[line] : "<end>")}', markdown has '{(line < a.Length ? a[line] : "<end>")}'";
    }

    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    [GeneratedRegex(@"^\s*#region\s+(\S+)\s*$")]
    private static partial Regex RegionStart();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EngagementMetrics.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EngagementMetrics.sln not found above " + AppContext.BaseDirectory);
    }
}
