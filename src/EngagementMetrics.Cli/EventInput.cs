namespace EngagementMetrics.Cli;

/// <summary>The <c>--events</c> input: a file, or standard input when the path is <c>-</c>.</summary>
internal sealed class EventInput : IAsyncDisposable
{
    private EventInput(Stream stream, string name, long? length)
    {
        Stream = stream;
        Name = name;
        Length = length;
    }

    public Stream Stream { get; }

    /// <summary>How messages name the input: the file's name, or <c>standard input</c>.</summary>
    public string Name { get; }

    /// <summary>The file's length in bytes (for progress), or null for standard input.</summary>
    public long? Length { get; }

    /// <summary>Opens standard input; tests replace it.</summary>
    internal static Func<Stream> StandardInput { get; set; } = Console.OpenStandardInput;

    public static EventInput Open(string path)
    {
        if (path == "-")
        {
            return new EventInput(StandardInput(), "standard input", null);
        }

        var file = new FileInfo(path);
        if (Directory.Exists(file.FullName))
        {
            throw new EngagementValidationException("--events", path, $"invalid --events '{path}': it is a directory, not a file");
        }

        if (!file.Exists)
        {
            throw new EngagementValidationException("--events", file.FullName, $"invalid --events '{file.FullName}': file not found");
        }

        try
        {
            var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return new EventInput(stream, file.Name, file.Length);
        }
        catch (UnauthorizedAccessException)
        {
            throw new EngagementValidationException("--events", file.FullName, $"invalid --events '{file.FullName}': permission denied");
        }
    }

    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
