namespace EngagementMetrics.Events;

/// <summary>What reading events produced: the valid events and why the others were rejected.</summary>
public sealed class EventReadResult
{
    internal EventReadResult(IReadOnlyList<InteractionEvent> events, IReadOnlyList<int> positions, List<EventError> errors, int recordCount, IReadOnlyList<int>? recordIndexes = null, bool lines = true)
    {
        Events = new Storage.ValidatedEvents(events);
        Positions = positions;
        Errors = errors;
        RecordCount = recordCount;
        RecordIndexes = recordIndexes;
        IsLines = lines;
    }

    /// <summary>For each of <see cref="Events"/>, its zero-based record number (differs from the line where blank lines were skipped).</summary>
    internal IReadOnlyList<int>? RecordIndexes { get; }

    internal bool IsLines { get; }

    /// <summary>The valid events, in input order.</summary>
    public IReadOnlyList<InteractionEvent> Events { get; }

    /// <summary>For each of <see cref="Events"/>, its one-based line number (JSON Lines) or zero-based array index (JSON array).</summary>
    public IReadOnlyList<int> Positions { get; }

    /// <summary>Every rejected record, in input order; each names its line (or index) and field.</summary>
    public IReadOnlyList<EventError> Errors { get; }

    /// <summary>How many records were read (blank lines are not records).</summary>
    public int RecordCount { get; }

    /// <summary>A store's rejection of <c>Events[error.Index]</c>, named by the event's place in the input.</summary>
    internal EventError AtPosition(EventError error)
    {
        var position = Positions[error.Index];
        return IsLines
            ? error with { Index = RecordIndexes?[error.Index] ?? error.Index, LineNumber = position }
            : error with { Index = position, LineNumber = null };
    }
}
