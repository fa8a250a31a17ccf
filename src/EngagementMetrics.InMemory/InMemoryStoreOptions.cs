namespace EngagementMetrics.InMemory;

/// <summary>Settings of <see cref="InMemoryInteractionStore"/>.</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>The smallest <see cref="ChunkSize"/>.</summary>
    public const int MinChunkSize = 16;

    /// <summary>The largest <see cref="ChunkSize"/>.</summary>
    public const int MaxChunkSize = 1 << 24;

    /// <summary>Largest number of events in one column chunk (one scan batch).</summary>
    /// <value>Default 65,536; from 16 to 16,777,216. Smaller chunks make late-event merges cheaper and scans slightly slower.</value>
    public int ChunkSize { get; set; } = 1 << 16;
}
