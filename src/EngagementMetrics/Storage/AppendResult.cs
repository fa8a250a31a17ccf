using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>What an append did.</summary>
/// <param name="Stored">Events newly stored.</param>
/// <param name="Duplicates">Events skipped because their (<c>botId</c>, <c>eventId</c>) was already stored (or repeated in the batch).</param>
/// <param name="Rejected">Invalid events that were not stored (lenient mode only; strict mode throws instead).</param>
public sealed record AppendResult(int Stored, int Duplicates, IReadOnlyList<EventError> Rejected);
