namespace EngagementMetrics.Events;

/// <summary>Settings of an <see cref="EventStreamReader"/>.</summary>
public sealed class EventReaderOptions
{
    /// <summary>The input format. Default <see cref="EventFormat.JsonLines"/>.</summary>
    public EventFormat Format { get; init; } = EventFormat.JsonLines;

    /// <summary>Records per batch returned by <see cref="EventStreamReader.ReadBatchAsync"/>.</summary>
    /// <value>Default 10,000; from 1 to 1,000,000.</value>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>
    /// Longest accepted record (a line, or an array element) in bytes. A longer line is rejected as one error and skipped
    /// without being held in memory; a longer array element ends the read (an array cannot be resumed mid-element).
    /// </summary>
    /// <value>Default 1 MiB; from 1 KiB to 64 MiB. Events are small: ids and names are at most 1,024 characters.</value>
    public int MaxRecordBytes { get; init; } = 1 << 20;
}
