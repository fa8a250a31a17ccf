using EngagementMetrics.Events;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using FluentAssertions;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static EngagementMetrics.Conformance.TestEvents;

// The tests' names say what each checks.
#pragma warning disable CS1591

namespace EngagementMetrics.Conformance;

/// <summary>
/// The store contract, written once. A store runs it by subclassing this class in an xUnit test project and creating a
/// fresh, empty store in <see cref="CreateStoreAsync"/>; every test is a <see cref="StoreFactAttribute"/>, skipped when a
/// <see cref="StoreRequirementAttribute"/> of the subclass is not met.
/// </summary>
/// <remarks>
/// Besides the explicit expectations (atomic and idempotent batches, strict and lenient modes, account ownership,
/// snapshot isolation, concurrent appends), every trend, chat-busier and statistics number the engine computes from the
/// store is compared with what it computes from <see cref="ReferenceInteractionStore"/> holding the same events, for
/// every aggregation, filter and awkward time zone, and for random histories. The engine itself is held against naive
/// implementations of the spec in this repository's core tests, so the suite tests the store, not the engine.
/// </remarks>
public abstract class StoreConformanceTests : IAsyncLifetime
{
    /// <summary>Zones and dates around their awkward transitions (the DST and offset cases of the spec).</summary>
    protected static readonly (string Zone, DateOnly Near, string Name)[] TimeCases =
    [
        ("America/New_York", new(2025, 3, 9), "New York spring-forward gap"),
        ("America/New_York", new(2025, 11, 2), "New York fall-back overlap"),
        ("Australia/Lord_Howe", new(2025, 4, 6), "Lord Howe half-hour fall-back"),
        ("Australia/Lord_Howe", new(2025, 10, 5), "Lord Howe half-hour spring"),
        ("America/Santiago", new(2025, 4, 6), "Santiago midnight fall-back"),
        ("America/Santiago", new(2025, 9, 7), "Santiago midnight spring (no 00:00)"),
        ("Pacific/Apia", new(2011, 12, 30), "Apia skipped 2011-12-30"),
        ("Asia/Kolkata", new(2025, 6, 1), "Kolkata +05:30"),
        ("Asia/Kathmandu", new(2025, 6, 1), "Kathmandu +05:45"),
        ("+12:45", new(2025, 6, 1), "fixed +12:45"),
        ("UTC-08:00", new(2025, 6, 1), "fixed UTC-08:00"),
        ("India Standard Time", new(2025, 6, 1), "Windows zone name"),
    ];

    /// <summary>A fresh, empty store. Called once or more per test; release what it holds in <see cref="DisposeAsync"/>.</summary>
    protected abstract Task<IInteractionStore> CreateStoreAsync();

    /// <summary>Runs before each test.</summary>
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Runs after each test: delete the files, schemas or servers <see cref="CreateStoreAsync"/> made.</summary>
    public virtual Task DisposeAsync() => Task.CompletedTask;

    [StoreFact]
    public async Task Unknown_bot_has_no_snapshot()
    {
        var store = await CreateStoreAsync();
        (await store.OpenSnapshotAsync("nobody")).Should().BeNull();
    }

    [StoreFact]
    public async Task Appending_the_same_event_ids_twice_stores_them_once()
    {
        var store = await CreateStoreAsync();
        var batch = new[]
        {
            Event("u1", "2025-01-01T10:00:00Z", eventId: "e1"),
            Event("u2", "2025-01-01T11:00:00Z", eventId: "e2"),
            Event("u2", "2025-01-01T11:30:00Z", eventId: "e2"), // repeated inside the batch
            Event("u3", "2025-01-01T12:00:00Z"), // no id: always stored
        };

        var first = await store.AppendAsync(batch);
        var second = await store.AppendAsync(batch);

        first.Should().Be(first with { Stored = 3, Duplicates = 1 });
        second.Stored.Should().Be(1, "only the event without an id is stored again");
        second.Duplicates.Should().Be(3);
        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-01"));
        trend.Summary.UniqueUsers.Should().Be(3);
        await AssertSameAsReferenceAsync(store, [.. batch, .. batch], Query("2025-01-01", "2025-01-01", aggregation: TrendAggregation.Hourly));
    }

    [StoreFact]
    public async Task A_batch_mixing_stored_and_new_ids_stores_only_the_new_ones()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z", eventId: "e1"), Event("u2", "2025-01-01T11:00:00Z", eventId: "e2")]);

        var mixed = await store.AppendAsync(
        [
            Event("u1", "2025-01-01T10:00:00Z", eventId: "e1"),
            Event("u3", "2025-01-01T12:00:00Z", eventId: "e3"),
            Event("u2", "2025-01-01T11:00:00Z", eventId: "e2"),
            Event("u4", "2025-01-01T13:00:00Z", eventId: "e4"),
            Event("x1", "2025-01-01T13:00:00Z", bot: "other-bot", eventId: "e1"), // the same id on another bot is another event
        ]);

        mixed.Stored.Should().Be(3);
        mixed.Duplicates.Should().Be(2);
        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-01"));
        trend.Summary.UniqueUsers.Should().Be(4);
        (await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-01", bot: "other-bot"))).Summary.UniqueUsers.Should().Be(1);
        var history = await ((IEventHistory)store).ReadEventsAsync(Bot, 0, DateTime.MaxValue.Ticks);
        history.Select(e => e.UserId).Should().Equal("u1", "u2", "u3", "u4");
    }

    [StoreFact]
    public async Task A_strict_batch_with_one_bad_event_stores_nothing()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync([Event("u0", "2025-01-01T09:00:00Z", eventId: "e0")]);
        var batch = new[]
        {
            Event("u1", "2025-01-01T10:00:00Z", eventId: "e1"),
            new InteractionEvent { BotId = Bot, Timestamp = Parse("2025-01-01T10:00:00Z"), Kind = InteractionKind.MessageIn }, // no userId
            Event("u2", "2025-01-02T10:00:00Z", bot: "bot-2"),
        };

        var act = async () => await store.AppendAsync(batch);

        var rejected = (await act.Should().ThrowAsync<EventBatchRejectedException>()).Which;
        rejected.Errors.Should().ContainSingle().Which.Should().Match<EventError>(e => e.Index == 1 && e.Field == "userId");
        (await store.OpenSnapshotAsync("bot-2")).Should().BeNull("the new bot of the rejected batch was not created");
        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-02"));
        trend.Summary.UniqueUsers.Should().Be(1);
        (await store.AppendAsync([batch[0]])).Stored.Should().Be(1, "e1 was not stored by the rejected batch");
    }

    [StoreFact]
    public async Task A_strict_batch_with_an_account_conflict_stores_nothing_and_lenient_skips_it()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync([Event("u0", "2025-01-01T09:00:00Z", account: "acme")]);
        var batch = new[] { Event("u1", "2025-01-01T10:00:00Z"), Event("u2", "2025-01-01T10:00:00Z", account: "other") };

        var act = async () => await store.AppendAsync(batch);
        (await act.Should().ThrowAsync<EventBatchRejectedException>()).Which.Errors.Should().ContainSingle(e => e.Field == "accountId" && e.Index == 1);
        var lenient = await store.AppendAsync(batch, AppendMode.Lenient);

        lenient.Stored.Should().Be(1);
        lenient.Rejected.Should().ContainSingle(e => e.Field == "accountId" && e.Index == 1);
        await using var snapshot = await store.OpenSnapshotAsync(Bot);
        snapshot!.AccountId.Should().Be("acme", "an omitted accountId inherits the bot's account");
    }

    [StoreFact]
    public async Task Lenient_mode_stores_the_valid_events_and_reports_the_rest()
    {
        var store = await CreateStoreAsync();
        var batch = new[]
        {
            Event("u1", "2025-01-01T10:00:00Z"),
            new InteractionEvent { BotId = Bot, Timestamp = Parse("2025-01-01T10:00:00Z"), Kind = InteractionKind.ActionIn },
            Event("u2", "2025-01-01T10:00:00Z"),
        };

        var result = await store.AppendAsync(batch, AppendMode.Lenient);

        result.Stored.Should().Be(2);
        result.Rejected.Should().ContainSingle().Which.Index.Should().Be(1);
        (await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-01"))).Summary.UniqueUsers.Should().Be(2);
    }

    [StoreFact]
    public async Task Out_of_order_and_late_events_give_the_in_order_answer()
    {
        var store = await CreateStoreAsync();
        var events = Generate(new Random(7), new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), 400, users: 30, days: 10).ToList();
        var shuffled = events.OrderBy(_ => Guid.NewGuid()).ToList();

        // Newest first, in small batches, and one user's first activity arriving last of all.
        foreach (var chunk in shuffled.Chunk(37))
        {
            await store.AppendAsync(chunk);
        }

        var late = Event("u1", "2025-02-20T08:00:00Z");
        await store.AppendAsync([late]);

        foreach (var aggregation in new[] { TrendAggregation.Hourly, TrendAggregation.Daily, TrendAggregation.Weekly })
        {
            await AssertSameAsReferenceAsync(store, [.. events, late], Query("2025-02-25", "2025-03-10", "America/New_York", aggregation));
        }
    }

    [StoreFact]
    public async Task First_seen_counts_across_channels_and_ignores_filters()
    {
        var store = await CreateStoreAsync();
        var events = new[]
        {
            Event("u1", "2025-01-05T10:00:00Z", channel: "slack"),
            Event("u1", "2025-01-06T10:00:00Z", channel: "RTM"),
            Event("u2", "2025-01-06T11:00:00Z", channel: "rtm"),
        };
        await store.AppendAsync(events);

        var query = Query("2025-01-06", "2025-01-06") with { Channels = ["rtm"] };
        var trend = await new EngagementEngine(store).GetTrendAsync(query);

        trend.Summary.UniqueUsers.Should().Be(2);
        trend.Summary.NewUsers.Should().Be(1, "u1 was first seen on slack the day before");
        trend.Summary.ReturningUsers.Should().Be(1);
        await AssertSameAsReferenceAsync(store, events, query);
    }

    [StoreFact]
    public async Task Conversation_type_and_status_filters_match_the_reference()
    {
        var store = await CreateStoreAsync();
        var events = new List<InteractionEvent>
        {
            Event("u1", "2025-01-05T10:00:00Z", InteractionKind.MessageOut, conversation: "c1"), // bot-initiated, never answered
            Event("u2", "2025-01-05T10:00:00Z", InteractionKind.MessageOut, conversation: "c2"),
            Event("u3", "2025-01-05T11:00:00Z", InteractionKind.MessageIn, conversation: "c3"),
            Event("u4", "2025-01-05T12:00:00Z", InteractionKind.MessageIn), // no conversation
        };
        await store.AppendAsync(events);
        var answer = Event("u2", "2025-01-06T09:00:00Z", InteractionKind.ActionIn, conversation: "c2"); // c2 becomes interactive later
        var close = Closed("c3", "2025-01-06T10:00:00Z");
        await store.AppendAsync([answer, close]);
        events.AddRange([answer, close]);

        foreach (var type in Enum.GetValues<ConversationTypeFilter>())
        {
            foreach (var status in Enum.GetValues<ConversationStatusFilter>())
            {
                await AssertSameAsReferenceAsync(store, events, Query("2025-01-05", "2025-01-06") with { ConversationType = type, ConversationStatus = status });
            }
        }

        var interactiveClosed = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-05", "2025-01-06") with { ConversationType = ConversationTypeFilter.Interactive, ConversationStatus = ConversationStatusFilter.Closed });
        interactiveClosed.Summary.UniqueUsers.Should().Be(1, "only c3 (u3) is interactive and closed");
    }

    [StoreFact]
    public async Task Every_dst_and_offset_case_matches_the_reference()
    {
        var store = await CreateStoreAsync();
        var all = new List<InteractionEvent>();
        for (var c = 0; c < TimeCases.Length; c++)
        {
            var (zone, near, name) = TimeCases[c];
            var bot = "dst-" + c;
            var origin = new DateTimeOffset(near.AddDays(-2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var events = Generate(new Random(c), origin, 300, users: 25, days: 5, bot: bot).ToList();
            foreach (var chunk in events.Chunk(120))
            {
                await store.AppendAsync(chunk);
            }

            foreach (var aggregation in Enum.GetValues<TrendAggregation>())
            {
                var query = Query(near.AddDays(-1).ToString("yyyy-MM-dd"), near.AddDays(1).ToString("yyyy-MM-dd"), zone, aggregation, bot);
                await AssertSameAsReferenceAsync(store, events, query, $"{name}, {aggregation}");
            }
        }
    }

    [StoreFact]
    public async Task Chat_busier_hourly_and_weekly_data_match_the_reference()
    {
        var store = await CreateStoreAsync();
        var reference = new ReferenceInteractionStore();
        for (var c = 0; c < TimeCases.Length; c++)
        {
            var (zone, near, name) = TimeCases[c];
            var bot = "busy-" + c;
            await AppendGeneratedAsync(store, reference, Generate(new Random(100 + c), Midnight(near.AddDays(-6)), 250, users: 20, days: 8, bot: bot), chunk: 90);
            var tz = TimeZoneParser.Parse(zone);
            var start = new DateTimeOffset(near.ToDateTime(new TimeOnly(7, 45)), TimeSpan.Zero);
            var expectedHourly = await new EngagementEngine(reference).GetChatBusierHourlyAsync(bot, start, tz);
            var expectedWeekly = await new EngagementEngine(reference).GetChatBusierWeeklyAsync(bot, start, tz);

            (await new EngagementEngine(store).GetChatBusierHourlyAsync(bot, start, tz)).Hours.Should().Equal(expectedHourly.Hours, name);
            (await new EngagementEngine(store).GetChatBusierWeeklyAsync(bot, start, tz)).Days.Should().Equal(expectedWeekly.Days, name);
        }
    }

    [StoreFact]
    public async Task Lifecycle_and_retention_match_the_reference()
    {
        var store = await CreateStoreAsync();
        var reference = new ReferenceInteractionStore();
        foreach (var c in new[] { 0, 1, 6, 8 })
        {
            var (zone, near, name) = TimeCases[c];
            var bot = "life-" + c;
            await AppendGeneratedAsync(store, reference, Generate(new Random(200 + c), Midnight(near.AddDays(-40)), 500, users: 60, days: 50, bot: bot), chunk: 110);
            var period = new LifecycleQuery { BotId = bot, StartDate = near.AddDays(-1), EndDate = near.AddDays(1), TimeZone = TimeZoneParser.Parse(zone) };
            var lifecycles = Enum.GetValues<LifecycleAggregation>().Select(a => period with { Aggregation = a, EndDate = a == LifecycleAggregation.Hour ? period.EndDate : near.AddDays(9) })
                .Append(period with { Channels = ["rtm", "slack"], ConversationType = ConversationTypeFilter.Interactive });
            foreach (var query in lifecycles)
            {
                var expected = await new EngagementEngine(reference).GetLifecycleAsync(query);
                (await new EngagementEngine(store).GetLifecycleAsync(query)).Buckets.Should().Equal(expected.Buckets, $"{name}, {query.Aggregation}");
            }

            var retention = new RetentionQuery { BotId = bot, StartDate = near.AddDays(-38), EndDate = near.AddDays(2), TimeZone = period.TimeZone, Periods = 5 };
            foreach (var query in new[] { retention, retention with { Interval = RetentionInterval.Week }, retention with { ConversationStatus = ConversationStatusFilter.Closed } })
            {
                var expected = await new EngagementEngine(reference).GetRetentionAsync(query);
                expected.Cohorts.Sum(x => x.Users).Should().BeGreaterThan(0, "the data has cohorts to compare");
                (await new EngagementEngine(store).GetRetentionAsync(query)).Cohorts.Should().BeEquivalentTo(expected.Cohorts, o => o.WithStrictOrdering(), $"{name}, {query.Interval}");
            }
        }
    }

    [StoreFact]
    public async Task Statistics_of_every_type_match_the_reference_and_accounts_stay_apart()
    {
        var store = await CreateStoreAsync();
        var reference = new ReferenceInteractionStore();
        var random = new Random(5);
        var origin = new DateTimeOffset(2025, 10, 25, 0, 0, 0, TimeSpan.Zero);
        var events = new List<InteractionEvent>();
        foreach (var (bot, account) in new[] { ("st-a", "acme"), ("st-b", "acme"), ("st-x", "other") })
        {
            events.AddRange(Generate(random, origin, 400, users: 15, days: 14, bot: bot).Select((e, i) => e with
            {
                AccountId = account,
                IntentMatched = e.Kind == InteractionKind.MessageIn ? i % 3 == 0 : null,
                Fallback = e.Kind == InteractionKind.MessageOut ? i % 4 == 0 : null,
                Error = e.Kind == InteractionKind.ApiRequest ? i % 2 == 0 : null,
            }));
        }

        foreach (var chunk in events.Chunk(150))
        {
            await store.AppendAsync(chunk);
        }

        await reference.AppendAsync(events);
        var clock = new FixedClock(new DateTimeOffset(2025, 11, 5, 18, 0, 0, TimeSpan.Zero));
        var types = Enum.GetValues<StatisticType>().Where(t => t != StatisticType.TagHit).ToArray();
        foreach (var (bot, mode, zone) in new[] { ("*", StatisticsGroupMode.Day, "America/New_York"), ("st-b", StatisticsGroupMode.Hour, "Asia/Kathmandu"), ("*", StatisticsGroupMode.Month, "UTC") })
        {
            var query = new StatisticsQuery { AccountId = "acme", Bot = bot, Types = types, GroupMode = mode, Days = 9, TimeZone = TimeZoneParser.Parse(zone) };
            var expected = await new StatisticsEngine(reference, clock).GetStatisticsAsync(query);
            var actual = await new StatisticsEngine(store, clock).GetStatisticsAsync(query);
            for (var s = 0; s < types.Length; s++)
            {
                actual.Series[s].Points.Should().Equal(expected.Series[s].Points, $"{bot} {mode} {types[s]}");
            }

            var rowsQuery = query with { Breakdown = StatisticsBreakdown.BotAndChannel };
            var expectedRows = (await new StatisticsEngine(reference, clock).GetStatisticsAsync(rowsQuery)).Rows;
            expectedRows.Select(r => r.Channel).Distinct().Should().HaveCountGreaterThan(1, "the history spans channels");
            (await new StatisticsEngine(store, clock).GetStatisticsAsync(rowsQuery)).Rows.Should().Equal(expectedRows, $"rows {bot} {mode}");
        }

        (await ((IEventHistory)store).GetBotIdsAsync("acme")).Should().Equal("st-a", "st-b");
        var foreign = async () => await new StatisticsEngine(store, clock).GetStatisticsAsync(new StatisticsQuery { AccountId = "acme", Bot = "st-x", Types = [StatisticType.ActiveUser] });
        await foreign.Should().ThrowAsync<BotNotFoundException>();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [StoreFact]
    public async Task Many_small_appends_to_one_day_stay_exact()
    {
        var store = await CreateStoreAsync();
        var events = Generate(new Random(3), new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero), 600, users: 40, days: 1).ToList();
        foreach (var chunk in events.OrderBy(e => e.UserId).Chunk(20))
        {
            await store.AppendAsync(chunk); // 30 appends touching the same day, in no time order
        }

        await AssertSameAsReferenceAsync(store, events, Query("2025-04-30", "2025-05-02", "Asia/Kathmandu", TrendAggregation.Hourly));
    }

    [StoreFact]
    public async Task A_snapshot_does_not_see_batches_appended_after_it_opened()
    {
        var store = await CreateStoreAsync();
        await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);
        await using var snapshot = await store.OpenSnapshotAsync(Bot);
        var users = snapshot!.UserCount;

        await store.AppendAsync([Event("u2", "2025-01-01T11:00:00Z"), Event("u0", "2024-12-31T11:00:00Z")]);

        users.Should().Be(1);
        var firstSeen = (await snapshot.GetFirstSeenAsync()).ToArray();
        firstSeen.Should().Equal(Parse("2025-01-01T10:00:00Z").UtcTicks);
        var scanned = 0;
        await foreach (var batch in snapshot.ScanAsync(long.MinValue, long.MaxValue))
        {
            scanned += batch.Count;
        }

        scanned.Should().Be(1);
    }

    [StoreFact]
    public async Task Concurrent_appends_while_querying_lose_nothing_and_count_nothing_twice()
    {
        var store = await CreateStoreAsync();
        var engine = new EngagementEngine(store);
        var origin = new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);
        var batches = Enumerable.Range(0, 24).Select(b => Generate(new Random(b % 12), origin, 60, users: 300, days: 3, idPrefix: "b" + (b % 12)).ToArray()).ToArray();
        var query = Query("2025-07-01", "2025-07-03", "Europe/Berlin", TrendAggregation.Hourly);
        using var done = new CancellationTokenSource();
        var observed = new List<int>();

        var reader = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                try
                {
                    var trend = await engine.GetTrendAsync(query);
                    lock (observed)
                    {
                        observed.Add(trend.Summary.UniqueUsers);
                    }

                    trend.Buckets.Should().OnlyContain(b => b.NewUsers + b.ReturningUsers == b.UniqueUsers && b.NewUsers >= 0 && b.ReturningUsers >= 0);
                }
                catch (BotNotFoundException)
                {
                    // Before the first batch lands.
                }
            }
        });

        // Batches b and b+12 are the same events with the same ids: whichever lands second is all duplicates.
        var results = await Task.WhenAll(batches.Select((batch, i) => Task.Run(async () => await store.AppendAsync(batch))));
        await done.CancelAsync();
        await reader;

        results.Sum(r => r.Stored).Should().Be(12 * 60);
        results.Sum(r => r.Duplicates).Should().Be(12 * 60);
        observed.Should().BeInAscendingOrder("appends only ever add users");
        await AssertSameAsReferenceAsync(store, batches.SelectMany(b => b).ToList(), query);
    }

    [StoreFact]
    public void Random_histories_match_the_reference_store()
    {
        var store = CreateStoreAsync().GetAwaiter().GetResult();
        var caseNumber = 0;
        var gen =
            from seed in Gen.Choose(0, 1_000_000)
            from scenario in Gen.Choose(0, TimeCases.Length - 1)
            from count in Gen.Choose(1, 120)
            from batches in Gen.Choose(1, 5)
            from aggregation in Gen.Elements(Enum.GetValues<TrendAggregation>())
            from channelMask in Gen.Choose(0, 7)
            from type in Gen.Elements(Enum.GetValues<ConversationTypeFilter>())
            from status in Gen.Elements(Enum.GetValues<ConversationStatusFilter>())
            select (seed, scenario, count, batches, aggregation, channelMask, type, status);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(40),
            Prop.ForAll(gen.ToArbitrary(), c =>
            {
                var bot = "prop-" + Interlocked.Increment(ref caseNumber);
                var (zone, near, _) = TimeCases[c.scenario];
                var origin = new DateTimeOffset(near.AddDays(-3).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                var events = Generate(new Random(c.seed), origin, c.count, users: 12, days: 6, bot: bot, idPrefix: "p").ToList();
                foreach (var chunk in events.Chunk((events.Count / c.batches) + 1))
                {
                    store.AppendAsync(chunk).AsTask().GetAwaiter().GetResult();
                }

                var channels = GeneratedChannels.Where((_, i) => (c.channelMask & (1 << i)) != 0).ToList();
                var query = Query(near.AddDays(-1).ToString("yyyy-MM-dd"), near.AddDays(1).ToString("yyyy-MM-dd"), zone, c.aggregation, bot) with
                {
                    Channels = channels.Count == 0 ? null : channels,
                    ConversationType = c.type,
                    ConversationStatus = c.status,
                };
                AssertSameAsReferenceAsync(store, events, query, c.ToString()).GetAwaiter().GetResult();
            }));
    }

    /// <summary>The store's trend equals the reference store's for the same events (appended in one batch there).</summary>
    protected static async Task AssertSameAsReferenceAsync(IInteractionStore store, IReadOnlyList<InteractionEvent> events, TrendQuery query, string because = "")
    {
        var reference = new ReferenceInteractionStore();
        await reference.AppendAsync(events.Where(e => e.BotId == query.BotId).ToList(), AppendMode.Lenient);
        var expected = await new EngagementEngine(reference).GetTrendAsync(query);
        var actual = await new EngagementEngine(store).GetTrendAsync(query);
        actual.Buckets.Should().Equal(expected.Buckets, because);
        actual.Summary.Should().Be(expected.Summary, because);
    }

    /// <summary>Appends events to the store under test in chunks and to the reference in one batch.</summary>
    private static async Task AppendGeneratedAsync(IInteractionStore store, ReferenceInteractionStore reference, IEnumerable<InteractionEvent> generated, int chunk)
    {
        var events = generated.ToList();
        foreach (var part in events.Chunk(chunk))
        {
            await store.AppendAsync(part);
        }

        await reference.AppendAsync(events);
    }

    private static DateTimeOffset Midnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
