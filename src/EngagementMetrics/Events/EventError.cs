namespace EngagementMetrics.Events;

/// <summary>Why one event of a batch (or one line of a JSON Lines file) was rejected.</summary>
/// <param name="Index">Zero-based position of the event in the batch it was submitted with.</param>
/// <param name="LineNumber">One-based line number when the event came from a JSON Lines file; otherwise <see langword="null"/>.</param>
/// <param name="Field">The event field at fault (<c>timestamp</c>, <c>userId</c>, ...), or <c>$</c> for the whole line.</param>
/// <param name="Message">What is wrong, naming the offending value where there is one.</param>
public sealed record EventError(int Index, int? LineNumber, string Field, string Message)
{
    /// <summary>A one-line description: <c>line 3: timestamp: ...</c> or <c>event 2: userId: ...</c>.</summary>
    public override string ToString() =>
        LineNumber is { } line ? $"line {line}: {Field}: {Message}" : $"event {Index}: {Field}: {Message}";
}
