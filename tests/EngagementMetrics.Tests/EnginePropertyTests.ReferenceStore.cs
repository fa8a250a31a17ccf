using EngagementMetrics.Trends;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary>
/// The conformance suite's reference store (EngagementMetrics.Conformance) against the naive reading of the spec: the
/// suite compares every store with it, so it must itself be right.
/// </summary>
public partial class EnginePropertyTests
{
    [Fact]
    public void Conformance_reference_store_agrees_with_the_naive_reference_on_random_histories()
    {
        var property = Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            var store = new ReferenceInteractionStore();
            foreach (var batch in c.Events.Chunk(7))
            {
                store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
            }

            var query = QueryFor(c);
            if (c.Events.Length == 0)
            {
                return store.OpenSnapshotAsync(query.BotId).AsTask().GetAwaiter().GetResult() is null;
            }

            var trend = new EngagementEngine(store).GetTrendAsync(query).AsTask().GetAwaiter().GetResult();
            var expected = Support.NaiveTrend.Compute(c.Events, query);
            return trend.Buckets.Select(b => b.UniqueUsers).SequenceEqual(expected.Unique)
                && trend.Buckets.Select(b => b.NewUsers).SequenceEqual(expected.New)
                && trend.Summary.UniqueUsers == expected.PeriodUnique
                && trend.Summary.NewUsers == expected.PeriodNew;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }
}
