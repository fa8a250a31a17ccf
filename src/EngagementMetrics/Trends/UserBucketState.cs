namespace EngagementMetrics.Trends;

/// <summary>
/// One user's state during a one-pass count: both <c>int</c>s side by side, so an event touches one cache line
/// instead of one in each of two arrays. Kept in a pooled array indexed by the snapshot's user ordinal.
/// </summary>
internal struct UserBucketState
{
    /// <summary>The last bucket the user was counted in (-1 before the first). Buckets never go back along time-ordered input.</summary>
    public int Last;

    /// <summary>The bucket of the user's first-seen instant, -1 outside every bucket (see <see cref="BucketPlan.PlaceFirstSeen"/>).</summary>
    public int First;
}
