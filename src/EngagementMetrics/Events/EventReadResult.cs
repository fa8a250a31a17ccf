namespace EngagementMetrics.Events;

/// <summary>What reading events produced: the valid events and why the others were rejected.</summary>
public sealed class EventReadResult
{
    internal EventReadResult(EventRowBatch rows, List<EventError> errors, int recordCount, bool lines)
    {
        Rows = rows;
        Events = new EventColumns(rows);
        Positions = new RowNumbers(rows, recordIndexes: false);
        Errors = errors;
        RecordCount = recordCount;
        RecordIndexes = new RowNumbers(rows, recordIndexes: true);
        IsLines = lines;
    }

    internal EventReadResult(IReadOnlyList<InteractionEvent> events, IReadOnlyList<int> positions, List<EventError> errors, int recordCount, IReadOnlyList<int>? recordIndexes = null, bool lines = true)
    {
        Events = new Storage.ValidatedEvents(events);
        Positions = positions;
        Errors = errors;
        RecordCount = recordCount;
        RecordIndexes = recordIndexes;
        IsLines = lines;
    }

    /// <summary>The reader's storage of <see cref="Events"/> (null for events given as objects).</summary>
    internal EventRowBatch? Rows { get; }

    /// <summary>For each of <see cref="Events"/>, its zero-based record number (differs from the line where blank lines were skipped).</summary>
    internal IReadOnlyList<int>? RecordIndexes { get; }

    internal bool IsLines { get; }

    /// <summary>The valid events, in input order.</summary>
    /// <remarks>
    /// From <see cref="EventStreamReader"/> this is an <see cref="EventColumns"/>: the events are kept in columns and each
    /// element is built when it is read (a new instance on every read). Stores read the columns directly.
    /// </remarks>
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

    // Positions or record numbers of a batch's rows, read from the rows themselves.
    private sealed class RowNumbers(EventRowBatch rows, bool recordIndexes) : IReadOnlyList<int>
    {
        public int Count => rows.Count;

        public int this[int index] => (uint)index < (uint)rows.Count
            ? recordIndexes ? rows.Rows[index].RecordIndex : rows.Rows[index].Position
            : throw new ArgumentOutOfRangeException(nameof(index), index, "Index out of range.");

        public IEnumerator<int> GetEnumerator()
        {
            for (var i = 0; i < rows.Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
