using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>How a store treats a batch that contains invalid events.</summary>
public enum AppendMode
{
    /// <summary>Reject the whole batch when any event is invalid: nothing is stored and <see cref="EventBatchRejectedException"/> is thrown.</summary>
    Strict = 0,

    /// <summary>Store the valid events and report the invalid ones in <see cref="AppendResult.Rejected"/>.</summary>
    Lenient = 1,
}
