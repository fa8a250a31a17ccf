using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary>The engine against the naive reference, on random histories around DST transitions in awkward zones.</summary>
public partial class EnginePropertyTests
{
    // Zones and, for each, dates near its interesting transitions.
    private static readonly (string Zone, DateOnly Near)[] Scenarios =
    [
        ("America/New_York", new(2025, 3, 9)), ("America/New_York", new(2025, 11, 2)),
        ("Asia/Kolkata", new(2025, 12, 3)), ("Asia/Kathmandu", new(2025, 1, 1)),
        ("Australia/Lord_Howe", new(2025, 4, 6)), ("Australia/Lord_Howe", new(2025, 10, 5)),
        ("Pacific/Apia", new(2011, 12, 30)), ("America/Santiago", new(2025, 4, 6)), ("America/Santiago", new(2025, 9, 7)),
        ("UTC", new(2024, 2, 29)), ("+12:45", new(2025, 6, 30)), ("-03:30", new(2025, 1, 1)),
    ];

    private static readonly string[] Channels = ["rtm", "Slack", "msteams"];

    public sealed record Case(int Scenario, int StartShift, int Length, TrendAggregation Aggregation, int ChannelMask, ConversationTypeFilter Type, ConversationStatusFilter Status, InteractionEvent[] Events)
    {
        public override string ToString() => $"{Scenarios[Scenario].Zone} {Scenarios[Scenario].Near} shift {StartShift} len {Length} {Aggregation} ch {ChannelMask} {Type}/{Status}, {Events.Length} events";
    }

    private static Gen<InteractionEvent> EventGen(DateTimeOffset origin) =>
        from user in Gen.Choose(0, 9)
        from minutes in Gen.Choose(-3 * 24 * 60, 6 * 24 * 60)
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
            EventId = id < 35 ? null : "e" + id,
        };

    private static readonly Gen<Case> CaseGen =
        from scenario in Gen.Choose(0, Scenarios.Length - 1)
        from shift in Gen.Choose(-2, 1)
        from length in Gen.Choose(1, 5)
        from aggregation in Gen.Elements(Enum.GetValues<TrendAggregation>())
        from channelMask in Gen.Choose(0, 7)
        from type in Gen.Elements(Enum.GetValues<ConversationTypeFilter>())
        from status in Gen.Elements(Enum.GetValues<ConversationStatusFilter>())
        from events in EventGen(new DateTimeOffset(Scenarios[scenario].Near.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).ArrayOf()
        select new Case(scenario, shift, length, aggregation, channelMask, type, status, events);

    private static TrendQuery QueryFor(Case c)
    {
        var start = Scenarios[c.Scenario].Near.AddDays(c.StartShift);
        return new TrendQuery
        {
            BotId = TestEvents.Bot,
            StartDate = start,
            EndDate = start.AddDays(c.Length - 1),
            TimeZone = TimeZoneParser.Parse(Scenarios[c.Scenario].Zone),
            Aggregation = c.Aggregation,
            Channels = c.ChannelMask is 0 or 7 ? null : Channels.Where((_, i) => (c.ChannelMask & (1 << i)) != 0).ToArray(),
            ConversationType = c.Type,
            ConversationStatus = c.Status,
        };
    }

    private static EngagementTrend Run(Case c, TrendQuery query, int chunkSize = 16)
    {
        var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = chunkSize });
        // Several batches in generated (random) order: exercises late-event merges.
        foreach (var batch in c.Events.Chunk(7))
        {
            store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
        }

        return new EngagementEngine(store).GetTrendAsync(query).AsTask().GetAwaiter().GetResult();
    }

    [Fact]
    public void Engine_AgreesWithNaiveReference_OnRandomHistories()
    {
        var property = Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            if (c.Events.Length == 0)
            {
                return true;
            }

            var query = QueryFor(c);
            var trend = Run(c, query);
            var expected = NaiveTrend.Compute(c.Events, query);
            return trend.Buckets.Select(b => b.UniqueUsers).SequenceEqual(expected.Unique)
                && trend.Buckets.Select(b => b.NewUsers).SequenceEqual(expected.New)
                && trend.Summary.UniqueUsers == expected.PeriodUnique
                && trend.Summary.NewUsers == expected.PeriodNew;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), property);
    }

    [Fact]
    public void Engine_Invariants_HoldOnRandomHistories()
    {
        var property = Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            if (c.Events.Length == 0)
            {
                return true;
            }

            var query = QueryFor(c);
            var trend = Run(c, query);
            var unfiltered = Run(c, query with { Channels = null, ConversationType = ConversationTypeFilter.All, ConversationStatus = ConversationStatusFilter.All });
            return trend.Buckets.All(b => b.NewUsers + b.ReturningUsers == b.UniqueUsers && b.NewUsers >= 0 && b.ReturningUsers >= 0)
                && trend.Summary.NewUsers + trend.Summary.ReturningUsers == trend.Summary.UniqueUsers
                && trend.Summary.UniqueUsers <= trend.Buckets.Sum(b => b.UniqueUsers)
                && trend.Buckets.Zip(unfiltered.Buckets).All(p => p.First.UniqueUsers <= p.Second.UniqueUsers)
                && trend.Summary.UniqueUsers <= unfiltered.Summary.UniqueUsers;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public void Engine_AnswerDoesNotDependOnIngestOrderOrChunkSize()
    {
        var property = Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            if (c.Events.Length == 0)
            {
                return true;
            }

            // Without event ids: with them, which of two events sharing an id is kept depends on order by design.
            c = c with { Events = c.Events.Select(e => e with { EventId = null }).ToArray() };
            var query = QueryFor(c);
            var sorted = c with { Events = c.Events.OrderBy(e => e.Timestamp).ToArray() };
            var reversed = c with { Events = c.Events.Reverse().ToArray() };
            var a = Run(sorted, query, chunkSize: 1 << 16);
            var b = Run(reversed, query, chunkSize: 16);
            return a.Buckets.SequenceEqual(b.Buckets) && a.Summary == b.Summary;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), property);
    }
}
