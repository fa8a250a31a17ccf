using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary>Lifecycle and retention against the naive references, on random histories in awkward zones, and their invariants.</summary>
public class LifecyclePropertyTests
{
    // Zones and, for each, a date near its interesting transition or boundary.
    private static readonly (string Zone, DateOnly Near)[] Scenarios =
    [
        ("America/New_York", new(2025, 3, 9)), ("America/New_York", new(2025, 11, 2)),
        ("Asia/Kathmandu", new(2025, 1, 1)), ("Asia/Kolkata", new(2025, 12, 1)),
        ("Australia/Lord_Howe", new(2025, 4, 6)), ("Australia/Lord_Howe", new(2025, 10, 5)),
        ("Pacific/Apia", new(2011, 12, 30)), ("America/Santiago", new(2025, 9, 7)),
        ("UTC", new(2021, 1, 1)), ("UTC", new(2024, 12, 30)), ("+12:45", new(2026, 1, 1)),
        ("Test/BackAcrossMidnight", new(2025, 11, 1)),   // the exact path: buckets go back in time
    ];

    private static readonly string[] Channels = ["rtm", "Slack", "msteams"];

    public sealed record Case(int Scenario, int StartShift, int Length, int Shape, int Periods, int ChannelMask, ConversationTypeFilter Type, ConversationStatusFilter Status, InteractionEvent[] Events)
    {
        public override string ToString() => $"{Scenarios[Scenario].Zone} {Scenarios[Scenario].Near} shift {StartShift} len {Length} shape {Shape} periods {Periods} ch {ChannelMask} {Type}/{Status}, {Events.Length} events";
    }

    // Events come in bursts around a few anchor instants (users active in consecutive hours, days and weeks), most
    // anchors within a few days of the date, some up to six weeks away (the whole week or month before the period,
    // later weeks of a retention table); a few events anywhere in that range.
    private static Gen<int> MinutesGen(int[] anchors) => Gen.Frequency(
        (5, from anchor in Gen.Elements(anchors) from jitter in Gen.Choose(-150, 150) select anchor + jitter),
        (1, Gen.Choose(-42 * 24 * 60, 30 * 24 * 60)));

    private static Gen<InteractionEvent> EventGen(DateTimeOffset origin, int[] anchors) =>
        from user in Gen.Choose(0, 7)
        from minutes in MinutesGen(anchors)
        from kind in Gen.Frequency((6, Gen.Choose(0, 3)), (1, Gen.Choose(4, 9)))
        from channel in Gen.Choose(0, 2)
        from conversation in Gen.Choose(-1, 6)
        from id in Gen.Choose(0, 40)
        select new InteractionEvent
        {
            BotId = TestEvents.Bot,
            UserId = "u" + user,
            Timestamp = origin.AddMinutes(minutes).AddSeconds(id % 7),
            Kind = (InteractionKind)kind,
            Channel = Channels[channel],
            ConversationId = conversation < 0 ? null : "c" + conversation,
            EventId = id < 36 ? null : "e" + id,
        };

    private static readonly Gen<int[]> AnchorsGen =
        from count in Gen.Choose(1, 6)
        from anchors in Gen.Frequency((3, Gen.Choose(-3 * 24 * 60, 4 * 24 * 60)), (1, Gen.Choose(-42 * 24 * 60, 30 * 24 * 60))).ArrayOf(count)
        select anchors;

    private static readonly Gen<Case> CaseGen =
        from scenario in Gen.Choose(0, Scenarios.Length - 1)
        from shift in Gen.Choose(-3, 1)
        from length in Gen.Frequency((3, Gen.Choose(1, 5)), (1, Gen.Choose(6, 24)))
        from shape in Gen.Choose(0, 3)
        from periods in Gen.Choose(1, 9)
        from channelMask in Gen.Choose(0, 7)
        from type in Gen.Elements(Enum.GetValues<ConversationTypeFilter>())
        from status in Gen.Elements(Enum.GetValues<ConversationStatusFilter>())
        from anchors in AnchorsGen
        from count in Gen.Choose(0, 160)
        from events in EventGen(new DateTimeOffset(Scenarios[scenario].Near.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), anchors).ArrayOf(count)
        select new Case(scenario, shift, length, shape, periods, channelMask, type, status, events);

    private static TimeZoneInfo Zone(string name) => name == TestZones.BackAcrossMidnight.Id ? TestZones.BackAcrossMidnight : TimeZoneParser.Parse(name);

    private static LifecycleQuery LifecycleFor(Case c)
    {
        var start = Scenarios[c.Scenario].Near.AddDays(c.StartShift);
        return new LifecycleQuery
        {
            BotId = TestEvents.Bot,
            StartDate = start,
            EndDate = start.AddDays(c.Length - 1),
            TimeZone = Zone(Scenarios[c.Scenario].Zone),
            Aggregation = (LifecycleAggregation)c.Shape,
            Channels = c.ChannelMask is 0 or 7 ? null : Channels.Where((_, i) => (c.ChannelMask & (1 << i)) != 0).ToArray(),
            ConversationType = c.Type,
            ConversationStatus = c.Status,
        };
    }

    private static RetentionQuery RetentionFor(Case c)
    {
        var lifecycle = LifecycleFor(c);
        return new RetentionQuery
        {
            BotId = lifecycle.BotId,
            StartDate = lifecycle.StartDate,
            EndDate = lifecycle.StartDate.AddDays((c.Length * (c.Shape % 2 == 0 ? 1 : 3)) - 1),
            TimeZone = lifecycle.TimeZone,
            Interval = (RetentionInterval)(c.Shape % 2),
            Periods = c.Periods,
            Channels = lifecycle.Channels,
            ConversationType = c.Type,
            ConversationStatus = c.Status,
        };
    }

    private static EngagementEngine Engine(Case c)
    {
        var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 });
        // Several batches in generated (random) order: exercises late-event merges.
        foreach (var batch in c.Events.Chunk(7))
        {
            store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
        }

        return new EngagementEngine(store);
    }

    private static T Run<T>(ValueTask<T> task) => task.AsTask().GetAwaiter().GetResult();

    private static PeriodQuery Unfiltered<TQuery>(TQuery query)
        where TQuery : PeriodQuery => query with { Channels = null, ConversationType = ConversationTypeFilter.All, ConversationStatus = ConversationStatusFilter.All };

    [Fact]
    public void Lifecycle_AgreesWithNaiveReference_OnRandomHistories()
    {
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            if (c.Events.Length == 0)
            {
                return true;
            }

            var query = LifecycleFor(c);
            var actual = Run(Engine(c).GetLifecycleAsync(query)).Buckets
                .Select(b => new NaiveLifecycle.Bucket(b.Period, b.New, b.Returning, b.Resurrecting, b.Dormant));
            return actual.SequenceEqual(NaiveLifecycle.Compute(c.Events, query));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Retention_AgreesWithNaiveReference_OnRandomHistories()
    {
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            if (c.Events.Length == 0)
            {
                return true;
            }

            var query = RetentionFor(c);
            var actual = Run(Engine(c).GetRetentionAsync(query)).Cohorts;
            var expected = NaiveLifecycle.Compute(c.Events, query);
            return actual.Count == expected.Count && actual.Zip(expected).All(p =>
                p.First.Cohort == p.Second.Label
                && p.First.Users == p.Second.Users
                && p.First.Retained.SequenceEqual(p.Second.Retained)
                && p.First.Percent.SequenceEqual(p.Second.Percent));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Lifecycle_Invariants_PartitionTheTrendsUniqueUsersAndFiltersOnlyShrink()
    {
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            if (c.Events.Length == 0)
            {
                return true;
            }

            var engine = Engine(c);
            var query = LifecycleFor(c);
            var buckets = Run(engine.GetLifecycleAsync(query)).Buckets;
            var unfiltered = Run(engine.GetLifecycleAsync((LifecycleQuery)Unfiltered(query))).Buckets;
            var trend = Run(engine.GetTrendAsync(new TrendQuery
            {
                BotId = query.BotId,
                StartDate = query.StartDate,
                EndDate = query.EndDate,
                TimeZone = query.TimeZone,
                Aggregation = (TrendAggregation)c.Shape,
                Channels = query.Channels,
                ConversationType = query.ConversationType,
                ConversationStatus = query.ConversationStatus,
            })).Buckets;

            return buckets.Count == trend.Count
                && buckets.Zip(trend).All(p => p.First.New + p.First.Returning + p.First.Resurrecting == p.Second.UniqueUsers
                    && p.First.New == p.Second.NewUsers
                    && p.First.LocalStart == p.Second.LocalStart)
                && buckets.All(b => b.New >= 0 && b.Returning >= 0 && b.Resurrecting >= 0 && b.Dormant >= 0)
                && buckets.Skip(1).Zip(buckets).All(p => p.First.Returning + p.First.Dormant == p.Second.Active)
                && buckets.Zip(unfiltered).All(p => p.First.Active <= p.Second.Active && p.First.New <= p.Second.New && p.First.Returning <= p.Second.Returning);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Retention_Invariants_RetainedNeverExceedsTheCohortAndFiltersOnlyShrink()
    {
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            if (c.Events.Length == 0)
            {
                return true;
            }

            var engine = Engine(c);
            var query = RetentionFor(c);
            var cohorts = Run(engine.GetRetentionAsync(query)).Cohorts;
            var unfiltered = Run(engine.GetRetentionAsync((RetentionQuery)Unfiltered(query))).Cohorts;
            return cohorts.Select((cohort, i) => cohort.Retained.Count == Math.Min(query.Periods, cohorts.Count - i)).All(ok => ok)
                && cohorts.All(x => x.Retained.All(r => r >= 0 && r <= x.Users) && x.Percent.All(p => x.Users == 0 ? p is null : p is >= 0 and <= 100))
                && unfiltered.All(x => x.Retained[0] == x.Users)
                && cohorts.Zip(unfiltered).All(p => p.First.Users == p.Second.Users && p.First.Retained.Zip(p.Second.Retained).All(r => r.First <= r.Second));
        }).QuickCheckThrowOnFailure();
    }
}
