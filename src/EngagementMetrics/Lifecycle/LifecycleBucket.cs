namespace EngagementMetrics.Lifecycle;

/// <summary>One bucket B of a lifecycle, with P the bucket before it.</summary>
/// <param name="Period">The bucket's label: <c>2025-12-01T14:00</c>, <c>2025-12-01</c>, <c>2025-W49</c> or <c>2025-12</c>.</param>
/// <param name="LocalStart">The bucket's local start (a week's Monday, a month's 1st, which may lie before the period when the bucket is clipped).</param>
/// <param name="New">Users active in B whose first seen lies in B.</param>
/// <param name="Returning">Users active in B and in P (first seen before B).</param>
/// <param name="Resurrecting">Users active in B, not in P, first seen before B.</param>
/// <param name="Dormant">Users active in P and not in B (a positive count).</param>
public readonly record struct LifecycleBucket(string Period, DateTime LocalStart, int New, int Returning, int Resurrecting, int Dormant)
{
    /// <summary>Users active in the bucket: <c>New + Returning + Resurrecting</c>.</summary>
    public int Active => New + Returning + Resurrecting;
}
