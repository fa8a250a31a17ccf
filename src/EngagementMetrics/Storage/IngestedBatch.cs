using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>A batch a reader produced and what appending it did.</summary>
/// <param name="Batch">The batch as read (positions, read errors, record count).</param>
/// <param name="Result">The append's counts; its rejections include the batch's read errors, named by position.</param>
public sealed record IngestedBatch(EventReadResult Batch, AppendResult Result);
