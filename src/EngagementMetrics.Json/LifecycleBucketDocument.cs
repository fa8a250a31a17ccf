namespace EngagementMetrics.Json;

/// <summary>One bucket of the lifecycle document: <c>{"period","new","returning","resurrecting","dormant"}</c>.</summary>
public sealed class LifecycleBucketDocument
{
    /// <summary>The bucket's label: <c>2025-12-01T14:00</c>, <c>2025-12-01</c>, <c>2025-W49</c> or <c>2025-12</c>.</summary>
    public required string Period { get; init; }

    /// <summary>Users active in the bucket, first seen in it.</summary>
    public required int New { get; init; }

    /// <summary>Users active in the bucket and in the one before it.</summary>
    public required int Returning { get; init; }

    /// <summary>Users active in the bucket, not in the one before it, first seen earlier.</summary>
    public required int Resurrecting { get; init; }

    /// <summary>Users active in the bucket before and not in this one.</summary>
    public required int Dormant { get; init; }
}
