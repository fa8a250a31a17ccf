using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

/// <summary>Lifecycle and retention, case by case: the spec's examples, DST, odd offsets, skipped dates, ISO weeks.</summary>
public class LifecycleTests
{
    private static LifecycleQuery Lifecycle(string start, string end, string zone = "UTC", LifecycleAggregation aggregation = LifecycleAggregation.Day) => new()
    {
        BotId = Bot,
        StartDate = DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        EndDate = DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
        TimeZone = TimeZoneParser.Parse(zone),
        Aggregation = aggregation,
    };

    private static RetentionQuery Retention(string start, string end, string zone = "UTC", RetentionInterval interval = RetentionInterval.Day, int periods = 8) => new()
    {
        BotId = Bot,
        StartDate = DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
        EndDate = DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture),
        TimeZone = TimeZoneParser.Parse(zone),
        Interval = interval,
        Periods = periods,
    };

    private static async Task<EngagementEngine> EngineAsync(IEnumerable<InteractionEvent> events)
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events.ToList());
        return new EngagementEngine(store);
    }

    private static async Task<IReadOnlyList<LifecycleBucket>> LifecycleAsync(IEnumerable<InteractionEvent> events, LifecycleQuery query) =>
        (await (await EngineAsync(events)).GetLifecycleAsync(query)).Buckets;

    private static async Task<IReadOnlyList<RetentionCohort>> RetentionAsync(IEnumerable<InteractionEvent> events, RetentionQuery query) =>
        (await (await EngineAsync(events)).GetRetentionAsync(query)).Cohorts;

    private static (int New, int Returning, int Resurrecting, int Dormant) Counts(LifecycleBucket b) => (b.New, b.Returning, b.Resurrecting, b.Dormant);

    private static LifecycleBucket Bucket(IReadOnlyList<LifecycleBucket> buckets, string period) => buckets.Single(b => b.Period == period);

    /// <summary>The events behind the spec's lifecycle example (Asia/Kolkata, 2025-12-01 to 03), also the golden document's.</summary>
    internal static InteractionEvent[] SpecLifecycleEvents(string bot) =>
    [
        Event("d1", "2025-11-20T06:00:00Z", bot: bot),
        Event("r", "2025-11-30T04:30:00Z", bot: bot),      // Nov 30 10:00 local: the day before the period
        Event("d1", "2025-11-30T05:00:00Z", bot: bot),
        Event("d2", "2025-11-30T18:29:59Z", bot: bot),     // Nov 30 23:59:59 local
        Event("n3", "2025-11-30T18:30:00Z", bot: bot),     // Dec 1 00:00 local: new on Dec 1
        Event("r", "2025-12-01T04:30:00Z", bot: bot),
        Event("n1", "2025-12-01T05:00:00Z", bot: bot),
        Event("n2", "2025-12-01T06:00:00Z", bot: bot, kind: InteractionKind.MessageOut),
        Event("n1", "2025-12-02T05:00:00Z", bot: bot),
        Event("d1", "2025-12-02T07:00:00Z", bot: bot),
        Event("n1", "2025-12-03T05:00:00Z", bot: bot),
        Event("x", "2025-12-03T06:00:00Z", bot: bot),
        Event("n2", "2025-12-03T18:29:00Z", bot: bot),     // Dec 3 23:59 local
        Event("n3", "2025-12-03T18:30:00Z", bot: bot),     // Dec 4 local: after the period
    ];

    /// <summary>The events behind the spec's retention example (UTC, 2025-12-01 to 03).</summary>
    internal static InteractionEvent[] SpecRetentionEvents(string bot) =>
    [
        Event("old", "2025-11-15T09:00:00Z", bot: bot),
        Event("a", "2025-12-01T09:00:00Z", bot: bot), Event("b", "2025-12-01T10:00:00Z", bot: bot),
        Event("c", "2025-12-01T11:00:00Z", bot: bot), Event("d", "2025-12-01T23:59:59Z", bot: bot),
        Event("a", "2025-12-02T09:00:00Z", bot: bot), Event("b", "2025-12-02T10:00:00Z", bot: bot), Event("old", "2025-12-02T10:00:00Z", bot: bot),
        Event("a", "2025-12-03T09:00:00Z", bot: bot), Event("e", "2025-12-03T10:00:00Z", bot: bot),
    ];

    [Fact]
    public async Task Lifecycle_SpecExample_FirstDayHasThreeNewOneReturningTwoDormant()
    {
        var query = Lifecycle("2025-12-01", "2025-12-03", "Asia/Kolkata") with { BotId = "b1" };
        var buckets = (await (await EngineAsync(SpecLifecycleEvents("b1"))).GetLifecycleAsync(query)).Buckets;

        buckets.Select(b => b.Period).Should().Equal("2025-12-01", "2025-12-02", "2025-12-03");
        Counts(buckets[0]).Should().Be((3, 1, 0, 2), "n1, n2, n3 are new; r was active on Nov 30; d1 and d2 went dormant");
        Counts(buckets[1]).Should().Be((0, 1, 1, 3), "n1 returns, d1 resurrects, r, n2 and n3 go dormant");
        Counts(buckets[2]).Should().Be((1, 1, 1, 1), "x is new, n1 returns, n2 resurrects, d1 goes dormant");
    }

    [Fact]
    public async Task Retention_SpecExample_CohortsOfDaysWithAnEmptyOne()
    {
        var query = Retention("2025-12-01", "2025-12-03") with { BotId = "b1" };
        var cohorts = (await (await EngineAsync(SpecRetentionEvents("b1"))).GetRetentionAsync(query)).Cohorts;

        cohorts.Select(c => (c.Cohort, c.Users)).Should().Equal(("2025-12-01", 4), ("2025-12-02", 0), ("2025-12-03", 1));
        cohorts[0].Retained.Should().Equal(4, 2, 1);
        cohorts[0].Percent.Should().Equal(100m, 50m, 25m);
        cohorts[1].Retained.Should().Equal(0, 0);
        cohorts[1].Percent.Should().Equal(new decimal?[] { null, null });
        cohorts[2].Retained.Should().Equal(1);
        cohorts[2].Percent.Should().Equal(100m);
    }

    [Fact]
    public async Task DocsWorkedExample_GivesTheDocumentedBucketsAndCohorts()
    {
        // docs/lifecycle-retention.md: ana, ben, cai, dee, eli and fay, UTC, 2025-12-01 to 03.
        var events = new[]
        {
            Event("eli", "2025-11-10T09:00:00Z"), Event("ana", "2025-11-28T09:00:00Z"),
            Event("ana", "2025-11-30T09:00:00Z"), Event("ben", "2025-11-30T10:00:00Z"),
            Event("ana", "2025-12-01T09:00:00Z"), Event("cai", "2025-12-01T10:00:00Z"), Event("fay", "2025-12-01T11:00:00Z"),
            Event("cai", "2025-12-02T09:00:00Z"), Event("dee", "2025-12-02T10:00:00Z"),
            Event("ana", "2025-12-03T09:00:00Z"), Event("dee", "2025-12-03T10:00:00Z"), Event("eli", "2025-12-03T11:00:00Z"), Event("fay", "2025-12-03T12:00:00Z"),
        };

        var buckets = await LifecycleAsync(events, Lifecycle("2025-12-01", "2025-12-03"));
        var cohorts = await RetentionAsync(events, Retention("2025-12-01", "2025-12-03"));

        buckets.Select(Counts).Should().Equal((2, 1, 0, 1), (1, 1, 0, 2), (0, 1, 3, 1));
        cohorts.Select(c => (c.Cohort, c.Users)).Should().Equal(("2025-12-01", 2), ("2025-12-02", 1), ("2025-12-03", 0));
        cohorts[0].Retained.Should().Equal(2, 1, 1);
        cohorts[0].Percent.Should().Equal(100m, 50m, 50m);
        cohorts[1].Retained.Should().Equal(1, 1);
        cohorts[2].Percent.Should().Equal(new decimal?[] { null });
    }

    [Fact]
    public async Task Lifecycle_SpringForwardGap_NewYork_GapHourIsAnEmptyBucketAndTheNextHourResurrects()
    {
        // America/New_York, 2025-03-09: 02:00 EST jumps to 03:00 EDT (07:00Z).
        var buckets = await LifecycleAsync(
            [Event("b", "2025-03-09T05:10:00Z"), Event("b", "2025-03-09T06:10:00Z"), Event("a", "2025-03-09T06:30:00Z"), Event("a", "2025-03-09T07:10:00Z")],
            Lifecycle("2025-03-09", "2025-03-09", "America/New_York", LifecycleAggregation.Hour));

        buckets.Should().HaveCount(24);
        Counts(Bucket(buckets, "2025-03-09T00:00")).Should().Be((1, 0, 0, 0));
        Counts(Bucket(buckets, "2025-03-09T01:00")).Should().Be((1, 1, 0, 0));
        Counts(Bucket(buckets, "2025-03-09T02:00")).Should().Be((0, 0, 0, 2), "the missing hour is empty: everyone of 01:00 is dormant");
        Counts(Bucket(buckets, "2025-03-09T03:00")).Should().Be((0, 0, 1, 0), "a was not active in the (empty) hour before");
        Counts(Bucket(buckets, "2025-03-09T04:00")).Should().Be((0, 0, 0, 1));
    }

    [Fact]
    public async Task Lifecycle_FallBackOverlap_NewYork_RepeatedHourIsOneBucket()
    {
        // America/New_York, 2025-11-02: 01:00-02:00 happens at 05:00-06:00Z (EDT) and again at 06:00-07:00Z (EST).
        var buckets = await LifecycleAsync(
            [
                Event("c", "2025-11-02T04:30:00Z"), Event("a", "2025-11-02T05:30:00Z"), Event("c", "2025-11-02T06:10:00Z"),
                Event("b", "2025-11-02T06:30:00Z"), Event("a", "2025-11-02T06:45:00Z"), Event("a", "2025-11-02T07:10:00Z"),
            ],
            Lifecycle("2025-11-02", "2025-11-02", "America/New_York", LifecycleAggregation.Hour));

        buckets.Should().HaveCount(24);
        buckets.Select(b => b.Period).Should().OnlyHaveUniqueItems();
        Counts(Bucket(buckets, "2025-11-02T00:00")).Should().Be((1, 0, 0, 0));
        Counts(Bucket(buckets, "2025-11-02T01:00")).Should().Be((2, 1, 0, 0), "a and b are new once over both real hours; c returns from 00:xx");
        Counts(Bucket(buckets, "2025-11-02T02:00")).Should().Be((0, 1, 0, 2));
    }

    [Fact]
    public async Task Lifecycle_HalfHourOffset_Kolkata_HoursChangeAtHalfPastUtc()
    {
        var buckets = await LifecycleAsync(
            [Event("a", "2025-12-03T11:29:59Z"), Event("a", "2025-12-03T11:30:00Z"), Event("b", "2025-12-03T12:29:59Z"), Event("b", "2025-12-03T12:30:00Z")],
            Lifecycle("2025-12-03", "2025-12-03", "Asia/Kolkata", LifecycleAggregation.Hour));

        Counts(Bucket(buckets, "2025-12-03T16:00")).Should().Be((1, 0, 0, 0));
        Counts(Bucket(buckets, "2025-12-03T17:00")).Should().Be((1, 1, 0, 0));
        Counts(Bucket(buckets, "2025-12-03T18:00")).Should().Be((0, 1, 0, 1));
    }

    [Fact]
    public async Task Lifecycle_QuarterHourOffset_Kathmandu_DaysChangeAt1815Utc()
    {
        // Asia/Kathmandu is UTC+05:45: local 2025-01-01 00:00 is 2024-12-31T18:15Z.
        var buckets = await LifecycleAsync(
            [Event("a", "2024-12-31T18:14:59Z"), Event("a", "2024-12-31T18:15:00Z"), Event("b", "2025-01-01T18:14:59Z"), Event("b", "2025-01-01T18:15:00Z")],
            Lifecycle("2025-01-01", "2025-01-02", "Asia/Kathmandu"));

        Counts(buckets[0]).Should().Be((1, 1, 0, 0), "a was active on the day before (Dec 31 23:59:59 local); b is new");
        Counts(buckets[1]).Should().Be((0, 1, 0, 1));
    }

    [Fact]
    public async Task Lifecycle_LordHowe_HalfHourFallBack_RepeatedHalfHourStaysInItsHour()
    {
        // Australia/Lord_Howe, 2025-04-06: 02:00 (+11) goes back to 01:30 (+10:30) at 15:00Z; 01:30-02:00 happens twice.
        var buckets = await LifecycleAsync(
            [Event("a", "2025-04-05T14:10:00Z"), Event("b", "2025-04-05T15:20:00Z"), Event("a", "2025-04-05T15:31:00Z")],
            Lifecycle("2025-04-06", "2025-04-06", "Australia/Lord_Howe", LifecycleAggregation.Hour));

        buckets.Should().HaveCount(24);
        Counts(Bucket(buckets, "2025-04-06T01:00")).Should().Be((2, 0, 0, 0), "01:10 (+11) and 01:50 (+10:30) are one local hour");
        Counts(Bucket(buckets, "2025-04-06T02:00")).Should().Be((0, 1, 0, 1));
    }

    [Fact]
    public async Task Lifecycle_LordHowe_HalfHourSpringForward_HourTwoHoldsOnlyItsSecondHalf()
    {
        // Australia/Lord_Howe, 2025-10-05: 02:00 (+10:30) jumps to 02:30 (+11) at 15:30Z on Oct 4.
        var buckets = await LifecycleAsync(
            [Event("c", "2025-10-04T15:29:00Z"), Event("c", "2025-10-04T15:30:00Z"), Event("d", "2025-10-04T16:00:00Z")],
            Lifecycle("2025-10-05", "2025-10-05", "Australia/Lord_Howe", LifecycleAggregation.Hour));

        Counts(Bucket(buckets, "2025-10-05T01:00")).Should().Be((1, 0, 0, 0));
        Counts(Bucket(buckets, "2025-10-05T02:00")).Should().Be((0, 1, 0, 0), "15:30Z is 02:30 local");
        Counts(Bucket(buckets, "2025-10-05T03:00")).Should().Be((1, 0, 0, 1), "16:00Z is 03:00 local");
    }

    [Fact]
    public async Task Lifecycle_SkippedDate_Apia20111230_IsADayWithZerosAndTheNextDayResurrects()
    {
        // Samoa moved from UTC-10 to UTC+14 at 2011-12-30T10:00Z: local 2011-12-30 never happened.
        var events = new[] { Event("a", "2011-12-30T09:00:00Z"), Event("a", "2011-12-30T10:00:00Z") };
        var buckets = await LifecycleAsync(events, Lifecycle("2011-12-29", "2011-12-31", "Pacific/Apia"));

        buckets.Select(b => b.Period).Should().Equal("2011-12-29", "2011-12-30", "2011-12-31");
        Counts(buckets[0]).Should().Be((1, 0, 0, 0));
        Counts(buckets[1]).Should().Be((0, 0, 0, 1));
        Counts(buckets[2]).Should().Be((0, 0, 1, 0));

        var cohorts = await RetentionAsync(events, Retention("2011-12-29", "2011-12-31", "Pacific/Apia"));
        cohorts.Select(c => (c.Cohort, c.Users)).Should().Equal(("2011-12-29", 1), ("2011-12-30", 0), ("2011-12-31", 0));
        cohorts[0].Retained.Should().Equal(1, 0, 1);
        cohorts[1].Percent.Should().Equal(new decimal?[] { null, null });
    }

    [Fact]
    public async Task Lifecycle_IsoWeeks_2020W53_ClippedFirstWeekAndTheWholeWeekBefore()
    {
        // Period Wednesday 2020-12-30 to Tuesday 2021-01-05: buckets 2020-W53 (from Dec 30) and 2021-W01; the bucket
        // before is the whole 2020-W52. Monday Dec 28 is in no bucket.
        var buckets = await LifecycleAsync(
            [
                Event("a", "2020-12-28T12:00:00Z"), Event("a", "2021-01-04T12:00:00Z"),
                Event("b", "2020-12-21T12:00:00Z"), Event("b", "2020-12-31T12:00:00Z"),
                Event("c", "2020-12-30T00:00:00Z"),
            ],
            Lifecycle("2020-12-30", "2021-01-05", aggregation: LifecycleAggregation.Week));

        buckets.Select(b => (b.Period, b.LocalStart)).Should().Equal(("2020-W53", new DateTime(2020, 12, 28)), ("2021-W01", new DateTime(2021, 1, 4)));
        Counts(buckets[0]).Should().Be((1, 1, 0, 0), "c is new; b was active in 2020-W52; a's Monday lies before the period");
        Counts(buckets[1]).Should().Be((0, 0, 1, 2), "a was first seen before 2021-W01 and not active in the clipped 2020-W53");
    }

    [Fact]
    public async Task Retention_IsoWeekYear_2025W01StartsOn20241230AndCountsWhole()
    {
        // 2025-W01 runs from Monday 2024-12-30; the period starts on Wednesday 2025-01-01.
        var cohorts = await RetentionAsync(
            [
                Event("a", "2024-12-30T08:00:00Z"), Event("a", "2025-01-07T08:00:00Z"),
                Event("b", "2024-12-29T08:00:00Z"), Event("b", "2025-01-02T08:00:00Z"),
                Event("c", "2025-01-05T23:59:59Z"), Event("c", "2025-01-12T23:59:59Z"),
            ],
            Retention("2025-01-01", "2025-01-10", interval: RetentionInterval.Week));

        cohorts.Select(c => (c.Cohort, c.LocalStart, c.Users)).Should().Equal(("2025-W01", new DateOnly(2024, 12, 30), 2), ("2025-W02", new DateOnly(2025, 1, 6), 0));
        cohorts[0].Retained.Should().Equal(new[] { 2, 2 }, "a (first seen Monday 2024-12-30) and c; b belongs to 2024-W52; c's Sunday Jan 12 is after the period but in 2025-W02");
        cohorts[0].Percent.Should().Equal(100m, 100m);
        cohorts[1].Percent.Should().Equal(new decimal?[] { null });
    }

    [Fact]
    public async Task Lifecycle_Month_BucketBeforeIsTheWholePreviousMonthAndTheFirstMonthIsClipped()
    {
        var buckets = await LifecycleAsync(
            [
                Event("a", "2025-02-03T12:00:00Z"), Event("a", "2025-03-20T12:00:00Z"),
                Event("b", "2025-03-02T12:00:00Z"), Event("b", "2025-03-16T12:00:00Z"),
                Event("c", "2025-03-16T12:00:00Z"), Event("c", "2025-04-01T00:00:00Z"),
            ],
            Lifecycle("2025-03-15", "2025-04-10", aggregation: LifecycleAggregation.Month));

        buckets.Select(b => b.Period).Should().Equal("2025-03", "2025-04");
        Counts(buckets[0]).Should().Be((1, 1, 1, 0), "c is new; a was active in February; b was first seen on March 2, before the clipped bucket");
        Counts(buckets[1]).Should().Be((0, 1, 0, 2));
    }

    [Fact]
    public async Task Lifecycle_FirstSeenIgnoresFilters_AUserFirstSeenOnAnotherChannelIsNotNew()
    {
        var events = new[] { Event("u", "2025-12-01T10:00:00Z", channel: "slack"), Event("u", "2025-12-02T10:00:00Z", channel: "rtm") };

        var buckets = await LifecycleAsync(events, Lifecycle("2025-12-01", "2025-12-02") with { Channels = ["rtm"] });
        Counts(buckets[0]).Should().Be((0, 0, 0, 0));
        Counts(buckets[1]).Should().Be((0, 0, 1, 0));

        var cohorts = await RetentionAsync(events, Retention("2025-12-01", "2025-12-02") with { Channels = ["rtm"] });
        cohorts[0].Users.Should().Be(1, "cohorts follow first seen, which ignores the filters");
        cohorts[0].Retained.Should().Equal(0, 1);
        cohorts[0].Percent.Should().Equal(0m, 100m);
    }

    [Fact]
    public async Task Lifecycle_ConversationFilters_CountOnlyTheMatchingConversations()
    {
        var events = new[]
        {
            Event("u", "2025-12-01T10:00:00Z", conversation: "c1"), Closed("c1", "2025-12-01T10:05:00Z"),
            Event("u", "2025-12-02T10:00:00Z", conversation: "c2"),
            Event("v", "2025-12-02T11:00:00Z", kind: InteractionKind.MessageOut, conversation: "c3"),
        };

        var closed = await LifecycleAsync(events, Lifecycle("2025-12-01", "2025-12-02") with { ConversationStatus = ConversationStatusFilter.Closed });
        Counts(closed[0]).Should().Be((1, 0, 0, 0));
        Counts(closed[1]).Should().Be((0, 0, 0, 1));

        var nonInteractive = await LifecycleAsync(events, Lifecycle("2025-12-01", "2025-12-02") with { ConversationType = ConversationTypeFilter.NonInteractive });
        Counts(nonInteractive[1]).Should().Be((1, 0, 0, 0), "only v's bot-initiated conversation c3 is non-interactive");
    }

    [Fact]
    public async Task Retention_Week_CountsActivityOverTheWholeIsoWeekWhereThePeriodClipsIt()
    {
        // Period Wednesday 2025-12-03 to Tuesday 2025-12-09: cohorts 2025-W49 (Dec 1-7) and 2025-W50 (Dec 8-14), each whole.
        var cohorts = await RetentionAsync(
            [Event("a", "2025-12-01T09:00:00Z"), Event("a", "2025-12-12T09:00:00Z"), Event("b", "2025-12-14T23:00:00Z")],
            Retention("2025-12-03", "2025-12-09", interval: RetentionInterval.Week));

        cohorts.Select(c => c.Cohort).Should().Equal("2025-W49", "2025-W50");
        cohorts[0].Users.Should().Be(1);
        cohorts[0].Retained.Should().Equal(1, 1);
        cohorts[1].Users.Should().Be(1);
        cohorts[1].Retained.Should().Equal(1);
    }

    [Fact]
    public async Task Retention_Percent_RoundsTheExactQuotientHalfAwayFromZero()
    {
        var events = new List<InteractionEvent>();
        events.AddRange(Enumerable.Range(0, 32).Select(i => Event("p" + i, "2025-12-01T09:00:00Z")));
        events.Add(Event("p0", "2025-12-02T09:00:00Z"));                                        // 1 of 32: 3.125
        events.AddRange(Enumerable.Range(0, 3).Select(i => Event("q" + i, "2025-12-02T10:00:00Z")));
        events.AddRange(Enumerable.Range(0, 2).Select(i => Event("q" + i, "2025-12-03T10:00:00Z")));   // 2 of 3: 66.666...
        events.AddRange(Enumerable.Range(0, 3).Select(i => Event("r" + i, "2025-12-03T11:00:00Z")));
        events.Add(Event("r2", "2025-12-04T11:00:00Z"));                                        // 1 of 3: 33.333...

        var cohorts = await RetentionAsync(events, Retention("2025-12-01", "2025-12-04", periods: 2));

        cohorts.Take(3).Select(c => c.Percent[1]).Should().Equal(3.13m, 66.67m, 33.33m);
        cohorts[3].Percent.Should().Equal(new decimal?[] { null }, "an empty cohort has no percentage, and the period ends after its own day");
        cohorts.SelectMany(c => c.Percent).OfType<decimal>().Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Should().Equal("100", "3.13", "100", "66.67", "100", "33.33");
    }

    [Fact]
    public async Task Retention_Periods_LimitEntriesAndThePeriodsEndCutsThem()
    {
        var cohorts = await RetentionAsync([Event("a", "2025-12-01T09:00:00Z")], Retention("2025-12-01", "2025-12-05", periods: 3));

        cohorts.Select(c => c.Retained.Count).Should().Equal(3, 3, 3, 2, 1);
        cohorts[0].Retained.Should().Equal(1, 0, 0);
    }

    [Fact]
    public async Task Lifecycle_ZoneSteppingBackAcrossMidnight_TakesTheExactPathAndMatchesTheReference()
    {
        var query = new LifecycleQuery { BotId = Bot, StartDate = new(2025, 10, 31), EndDate = new(2025, 11, 1), TimeZone = TestZones.BackAcrossMidnight, Aggregation = LifecycleAggregation.Hour };
        LifecycleAccumulator.CreatePlan(query).Monotonic.Should().BeFalse("local 23:30-00:30 repeats across midnight");

        // 23:40 daylight (22:40Z), 00:10 daylight on Nov 1 (23:10Z), then 23:50 standard on Oct 31 again (23:50Z).
        var events = new[]
        {
            Event("a", "2025-10-31T22:40:00Z"), Event("b", "2025-10-31T23:10:00Z"), Event("a", "2025-10-31T23:50:00Z"),
            Event("b", "2025-11-01T00:20:00Z"), Event("c", "2025-11-01T01:00:00Z"),
        };
        var buckets = await LifecycleAsync(events, query);

        buckets.Select(b => new NaiveLifecycle.Bucket(b.Period, b.New, b.Returning, b.Resurrecting, b.Dormant))
            .Should().Equal(NaiveLifecycle.Compute(events, query));
        Counts(Bucket(buckets, "2025-10-31T23:00")).Should().Be((1, 0, 0, 0), "a's two visits of 23:xx are one");
        Counts(Bucket(buckets, "2025-11-01T00:00")).Should().Be((1, 0, 0, 1), "b in both real 00:xx hours, after the 23:xx bucket");
        Counts(Bucket(buckets, "2025-11-01T01:00")).Should().Be((1, 0, 0, 1));

        var cohorts = await RetentionAsync(events, Retention("2025-10-31", "2025-11-01") with { TimeZone = TestZones.BackAcrossMidnight });
        cohorts.Select(c => c.Users).Should().Equal(1, 2);
        cohorts[0].Retained.Should().Equal(1, 0);
    }

    [Fact]
    public async Task Lifecycle_ValidationErrors_NameTheQuerysProperty()
    {
        var engine = await EngineAsync([Event("a", "2025-12-01T09:00:00Z")]);

        var reversed = async () => await engine.GetLifecycleAsync(Lifecycle("2025-12-03", "2025-12-01"));
        (await reversed.Should().ThrowAsync<EngagementValidationException>()).Which.ParameterName.Should().Be("EndDate");

        var tooLong = async () => await engine.GetLifecycleAsync(Lifecycle("2025-01-01", "2026-01-02", aggregation: LifecycleAggregation.Hour));
        (await tooLong.Should().ThrowAsync<EngagementValidationException>()).Which.Message.Should().Contain("367 days; at most 366");

        var undefined = async () => await engine.GetLifecycleAsync(Lifecycle("2025-12-01", "2025-12-01") with { Aggregation = (LifecycleAggregation)9 });
        (await undefined.Should().ThrowAsync<EngagementValidationException>()).Which.ParameterName.Should().Be("Aggregation");

        var noBot = async () => await engine.GetLifecycleAsync(Lifecycle("2025-12-01", "2025-12-01") with { BotId = " " });
        (await noBot.Should().ThrowAsync<EngagementValidationException>()).Which.ParameterName.Should().Be("BotId");

        var unknown = async () => await engine.GetLifecycleAsync(Lifecycle("2025-12-01", "2025-12-01") with { BotId = "nobody" });
        await unknown.Should().ThrowAsync<BotNotFoundException>();
    }

    [Fact]
    public async Task LifecycleAndRetention_AtTheEdgesOfTheAllowedYears_AnswerWithEmptyBuckets()
    {
        var engine = await EngineAsync([Event("a", "2025-12-01T09:00:00Z")]);

        var first = await engine.GetLifecycleAsync(Lifecycle("0002-01-01", "0002-02-01", "Pacific/Kiritimati", LifecycleAggregation.Month));
        var last = await engine.GetRetentionAsync(Retention("9998-12-01", "9998-12-31", "Etc/GMT+12", RetentionInterval.Week));

        first.Buckets.Select(b => b.Period).Should().Equal("0002-01", "0002-02");
        first.Buckets.Should().OnlyContain(b => b.Active == 0 && b.Dormant == 0);
        last.Cohorts[^1].Cohort.Should().Be("9998-W53", "Thursday 9998-12-31 keeps its week in 9998; the week runs to Sunday 9999-01-03");
        last.Cohorts.Should().OnlyContain(c => c.Users == 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(RetentionQuery.MaxPeriods + 1)]
    public async Task Retention_PeriodsOutOfRange_IsAValidationError(int periods)
    {
        var engine = await EngineAsync([Event("a", "2025-12-01T09:00:00Z")]);

        var act = async () => await engine.GetRetentionAsync(Retention("2025-12-01", "2025-12-02", periods: periods));

        var error = (await act.Should().ThrowAsync<EngagementValidationException>()).Which;
        error.ParameterName.Should().Be("Periods");
        error.Value.Should().Be(periods.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Retention_TooLongPeriodOrUndefinedInterval_IsAValidationError()
    {
        var engine = await EngineAsync([Event("a", "2025-12-01T09:00:00Z")]);

        var tooLong = async () => await engine.GetRetentionAsync(Retention("2025-01-01", "2026-01-02", interval: RetentionInterval.Week));
        (await tooLong.Should().ThrowAsync<EngagementValidationException>()).Which.ParameterName.Should().Be("EndDate");

        var undefined = async () => await engine.GetRetentionAsync(Retention("2025-12-01", "2025-12-01") with { Interval = (RetentionInterval)7 });
        (await undefined.Should().ThrowAsync<EngagementValidationException>()).Which.ParameterName.Should().Be("Interval");
    }

    [Fact]
    public async Task Lifecycle_LongestAllowedPeriod_HourlyHasTwentyFourBucketsPerDay()
    {
        var engine = await EngineAsync([Event("a", "2024-06-01T09:00:00Z"), Event("a", "2024-12-31T23:30:00Z")]);

        var report = await engine.GetLifecycleAsync(Lifecycle("2024-01-01", "2024-12-31", aggregation: LifecycleAggregation.Hour));

        report.Buckets.Should().HaveCount(366 * 24);
        report.Buckets[^1].Period.Should().Be("2024-12-31T23:00");
        Counts(report.Buckets[^1]).Should().Be((0, 0, 1, 0));
        report.Buckets.Sum(b => b.Active).Should().Be(2);
    }
}
