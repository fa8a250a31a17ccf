namespace EngagementMetrics.Trends;

/// <summary>
/// What a <see cref="BucketCounter{TVisit}"/> counts when a user is seen in a bucket for the first time: a struct
/// made for one run of events in one bucket, so its counts can stay in registers until the run ends.
/// </summary>
internal interface IFirstVisit
{
    /// <summary>
    /// Sees an event of <paramref name="user"/> in <paramref name="bucket"/> and counts it when it is the user's first
    /// there: <paramref name="first"/> is 1 then, else 0, and a visit counts with it rather than branching on it (the
    /// counter calls with 0 only on its branch-free loop). The user's <see cref="UserBucketState.Last"/> still names the
    /// bucket they were last counted in; the counter sets it to <paramref name="bucket"/> afterwards.
    /// </summary>
    void Visit(ref UserBucketState user, int bucket, int first);
}
