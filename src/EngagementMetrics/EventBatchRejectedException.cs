using EngagementMetrics.Events;

namespace EngagementMetrics;

/// <summary>
/// A strict append was refused because at least one event was invalid; nothing of the batch was stored.
/// </summary>
public sealed class EventBatchRejectedException : EngagementException
{
    /// <summary>Creates the exception.</summary>
    public EventBatchRejectedException(IReadOnlyList<EventError> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Every invalid event, in batch order.</summary>
    public IReadOnlyList<EventError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<EventError> errors)
    {
        var first = errors.Count > 0 ? errors[0].ToString() : "no details";
        return errors.Count <= 1
            ? $"batch rejected, nothing stored: {first}"
            : $"batch rejected, nothing stored: {first} (and {errors.Count - 1} more)";
    }
}
