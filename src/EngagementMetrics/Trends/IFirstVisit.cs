namespace EngagementMetrics.Trends;

/// <summary>
/// What a <see cref="BucketCounter{TVisit}"/> counts when a user is seen in a bucket for the first time: a struct
/// made for one run of events in one bucket, so its counts can stay in registers until the run ends.
/// </summary>
internal interface IFirstVisit
{
    /// <summary>
    /// Counts <paramref name="user"/>'s first event in <paramref name="bucket"/>. The user's
    /// <see cref="UserBucketState.Last"/> still names the bucket they were last counted in; the counter sets it to
    /// <paramref name="bucket"/> afterwards.
    /// </summary>
    void Visit(ref UserBucketState user, int bucket);
}
