using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;

namespace EngagementMetrics.Tests;

/// <summary>The account and bot statistics (statistics.md): every type by hand, group modes, accounts, throttling.</summary>
public partial class StatisticsTests
{
    private const string Account = "acme";
    private static readonly DateTimeOffset Now = Parse("2025-12-07T12:00:00Z");

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static InteractionEvent E(string timestamp, InteractionKind kind, string? user = null, string? conversation = null, string bot = "s1", bool? intent = null, bool? fallback = null, bool? error = null, string? channel = null) =>
        new()
        {
            BotId = bot,
            AccountId = bot.StartsWith('x') ? "other" : Account,
            UserId = user,
            ConversationId = conversation,
            Timestamp = Parse(timestamp),
            Kind = kind,
            IntentMatched = intent,
            Fallback = fallback,
            Error = error,
            Channel = channel,
        };

    // The scenario of the hand-computed table in docs/statistics.md.
    private static readonly InteractionEvent[] Scenario =
    [
        E("2025-11-20T08:00:00Z", InteractionKind.MessageIn, "u1"), // u1 first seen before the window
        E("2025-12-01T09:00:00Z", InteractionKind.MessageIn, "u1", "c1", intent: true),
        E("2025-12-01T09:00:30Z", InteractionKind.MessageOut, "u1", "c1"),
        E("2025-12-01T09:01:00Z", InteractionKind.ActionIn, "u1", "c1"),
        E("2025-12-01T09:02:00Z", InteractionKind.HandoverRequested, conversation: "c1"),
        E("2025-12-01T09:03:00Z", InteractionKind.HandoverRequested, conversation: "c1"), // while a wait is open: nothing
        E("2025-12-01T09:05:00Z", InteractionKind.AgentJoined, conversation: "c1"),
        E("2025-12-01T09:06:00Z", InteractionKind.AgentMessage, "u1", "c1"),
        E("2025-12-01T09:10:00Z", InteractionKind.ConversationClosed, conversation: "c1"),
        E("2025-11-30T23:00:00Z", InteractionKind.MessageIn, "u2", "c2", intent: false), // c2 starts before the window
        E("2025-12-02T01:00:00Z", InteractionKind.ConversationClosed, conversation: "c2"),
        E("2025-12-02T10:00:00Z", InteractionKind.MessageOut, "u3", "c3", fallback: true), // bot-initiated
        E("2025-12-08T01:00:00Z", InteractionKind.AgentJoined, conversation: "c3"), // after the window: takeover still counts; no open wait
        E("2025-12-02T11:00:00Z", InteractionKind.MessageIn, "u3", "c4"), // no reply, no join
        E("2025-12-03T10:00:00Z", InteractionKind.GoalReached),
        E("2025-12-03T10:01:00Z", InteractionKind.ApiRequest, error: true),
        E("2025-12-03T10:02:00Z", InteractionKind.ApiRequest, error: false),
        E("2025-12-03T10:03:00Z", InteractionKind.TagHit),
        E("2025-12-03T10:04:00Z", InteractionKind.MessageIn, "u1"),
        E("2025-12-05T15:00:00Z", InteractionKind.MessageIn, "u4", intent: false),
    ];

    private static async Task<StatisticsEngine> EngineAsync(IEnumerable<InteractionEvent> events, TimeProvider? clock = null)
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync(events.ToList());
        return new StatisticsEngine(store, clock ?? new Clock(Now));
    }

    private static StatisticsQuery Query(string bot, params int[] types) => new()
    {
        AccountId = Account,
        Bot = bot,
        Types = [.. types.Select(t => (StatisticType)t)],
        Scope = types.Contains(18) ? StatisticsScope.Bot : StatisticsScope.Account,
    };

    [Theory]
    [InlineData(0, "0,1,0,0,1,0,0")]
    [InlineData(1, "1,0,1,0,0,0,0")]
    [InlineData(2, "1,1,1,0,1,0,0")]
    [InlineData(3, "4,2,1,0,1,0,0")]
    [InlineData(4, "1,0,0,0,0,0,0")]
    [InlineData(5, "0,1,0,0,0,0,0")]
    [InlineData(6, "1,0,0,0,0,0,0")]
    [InlineData(7, "0,0,0,0,1,0,0")]
    [InlineData(8, "600,93600,null,null,null,null,null")]
    [InlineData(9, "180,null,null,null,null,null,null")]
    [InlineData(10, "100,50,null,null,null,null,null")]
    [InlineData(11, "300,null,null,null,null,null,null")]
    [InlineData(12, "0,0,1,0,0,0,0")]
    [InlineData(13, "2,1,1,0,1,0,0")]
    [InlineData(14, "0,0,2,0,0,0,0")]
    [InlineData(15, "0,0,1,0,0,0,0")]
    [InlineData(16, "30,null,null,null,null,null,null")]
    [InlineData(17, "1,0,0,0,0,0,0")]
    [InlineData(18, "0,0,1,0,0,0,0")]
    public async Task Each_type_matches_the_hand_computed_days(int type, string expected)
    {
        var engine = await EngineAsync(Scenario);

        var result = await engine.GetStatisticsAsync(Query("s1", type));

        result.From.Should().Be(new DateOnly(2025, 12, 1));
        result.To.Should().Be(new DateOnly(2025, 12, 7));
        var series = result.Series.Should().ContainSingle().Subject;
        series.Name.Should().Be(StatisticTypeNames.NameOf((StatisticType)type));
        series.Points.Select(p => p.Period).Should().Equal("2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05", "2025-12-06", "2025-12-07");
        string.Join(',', series.Points.Select(p => p.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null")).Should().Be(expected);
    }

    [Fact]
    public async Task Means_and_rates_round_to_two_decimals_from_the_exact_value()
    {
        var events = new List<InteractionEvent>();
        for (var c = 0; c < 3; c++)
        {
            events.Add(E($"2025-12-06T10:0{c}:00Z", InteractionKind.MessageIn, "u" + c, "k" + c));
        }

        events.Add(E("2025-12-06T11:00:00Z", InteractionKind.AgentJoined, conversation: "k0"));
        events.Add(E("2025-12-06T10:00:00.005Z", InteractionKind.MessageOut, "u0", "k0")); // 0.005 s
        events.Add(E("2025-12-06T10:01:00.005Z", InteractionKind.MessageOut, "u1", "k1")); // 0.005 s
        var engine = await EngineAsync(events);

        var result = await engine.GetStatisticsAsync(Query("s1", 10, 16) with { Days = 2 });

        result.Series[0].Points[0].Value.Should().Be(33.33m, "1 of 3 conversations");
        result.Series[1].Points[0].Value.Should().Be(0.01m, "the mean 0.005 s rounds away from zero, computed exactly from ticks");
    }

    [Fact]
    public async Task Hour_mode_follows_local_hours_across_a_fall_back_and_month_mode_spans_two_months()
    {
        var ny = TimeZoneParser.Parse("America/New_York");
        var events = new[]
        {
            E("2025-11-02T05:30:00Z", InteractionKind.MessageIn, "a"), // 01:30 EDT
            E("2025-11-02T06:30:00Z", InteractionKind.MessageIn, "b"), // 01:30 EST
            E("2025-11-30T12:00:00Z", InteractionKind.MessageIn, "c"),
            E("2025-12-02T12:00:00Z", InteractionKind.MessageIn, "c"),
        };
        var engine = await EngineAsync(events, new Clock(Parse("2025-11-02T20:00:00Z")));
        var monthly = await EngineAsync(events, new Clock(Parse("2025-12-03T12:00:00Z")));

        var hours = await engine.GetStatisticsAsync(Query("s1", 3, 2) with { Days = 1, GroupMode = StatisticsGroupMode.Hour, TimeZone = ny });
        var months = await monthly.GetStatisticsAsync(Query("s1", 2, 0) with { Days = 7, GroupMode = StatisticsGroupMode.Month });

        hours.Series[0].Points.Should().HaveCount(24);
        hours.Series[0].Points.Single(p => p.Period == "2025-11-02T01:00").Value.Should().Be(2, "both real 01:30s are the local hour 01:00");
        hours.Series[1].Points.Single(p => p.Period == "2025-11-02T01:00").Value.Should().Be(2);
        hours.Series[0].Points.Single(p => p.Period == "2025-11-02T02:00").Value.Should().Be(0);
        months.Series[0].Points.Select(p => (p.Period, p.Value)).Should().Equal(("2025-11", 1m), ("2025-12", 1m));
        months.Series[1].Points.Select(p => (p.Period, p.Value)).Should().Equal([("2025-11", 1m), ("2025-12", 0m)], "c is new in November and returning in December");
    }

    [Fact]
    public async Task The_wildcard_covers_every_bot_of_the_account_and_only_those()
    {
        var events = new List<InteractionEvent>(Scenario)
        {
            E("2025-12-01T12:00:00Z", InteractionKind.MessageIn, "u1", bot: "s2"), // same person id, another bot: another user
            E("2025-12-01T12:00:00Z", InteractionKind.MessageIn, "z", bot: "x1"), // another account
        };
        var engine = await EngineAsync(events);

        var all = await engine.GetStatisticsAsync(Query("*", 2, 3));
        var foreign = async () => await engine.GetStatisticsAsync(Query("x1", 2));
        var otherAccount = await engine.GetStatisticsAsync(Query("*", 2) with { AccountId = "other" });
        var noAccount = async () => await engine.GetStatisticsAsync(Query("*", 2) with { AccountId = "nobody" });

        all.Series[0].Points[0].Value.Should().Be(2, "u1 on s1 and u1 on s2 are two users");
        all.Series[1].Points[0].Value.Should().Be(5);
        await foreign.Should().ThrowAsync<BotNotFoundException>();
        otherAccount.Series[0].Points[0].Value.Should().Be(1);
        await noAccount.Should().ThrowAsync<BotNotFoundException>();
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00Z", "UTC", 1)]
    [InlineData("0002-01-06T23:59:59Z", "UTC", 7)]
    [InlineData("0002-01-01T11:00:00Z", "-12:00", 1)]
    [InlineData("9999-12-31T23:59:59Z", "UTC", 1)]
    [InlineData("9998-12-31T10:00:00Z", "+14:00", 1)]
    public async Task A_clock_whose_window_leaves_years_2_to_9998_is_a_validation_error_naming_now(string now, string zone, int days)
    {
        var engine = await EngineAsync(Scenario, new Clock(Parse(now)));

        var act = async () => await engine.GetStatisticsAsync(Query("*", 2) with { Days = days, TimeZone = TimeZoneParser.Parse(zone) });

        (await act.Should().ThrowAsync<EngagementValidationException>()).Which.Should().Match<EngagementValidationException>(e =>
            e.ParameterName == "now" && e.Message.EndsWith("must lie between years 2 and 9998", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "types")]
    [InlineData("1,x", "types")]
    [InlineData("19", "types")]
    [InlineData("18", "types")]
    public void Bad_types_name_the_parameter(string types, string parameter)
    {
        var act = () => StatisticsParameters.ParseTypes(types, StatisticsScope.Account);

        act.Should().Throw<EngagementValidationException>().Which.ParameterName.Should().Be(parameter);
    }

    [Fact]
    public void Types_keep_their_order_and_drop_duplicates_and_days_and_modes_are_checked()
    {
        StatisticsParameters.ParseTypes("9, 0,2,0,18", StatisticsScope.Bot).Should().Equal(StatisticType.TimeToPickUp, StatisticType.NewUser, StatisticType.ActiveUser, StatisticType.TagHit);
        StatisticsParameters.ParseGroupMode("Month").Should().Be(StatisticsGroupMode.Month);
        ((Action)(() => StatisticsParameters.ParseGroupMode("week"))).Should().Throw<EngagementValidationException>().Which.ParameterName.Should().Be("groupMode");
        ((Action)(() => StatisticsParameters.ParseDays("31"))).Should().Throw<EngagementValidationException>().Which.ParameterName.Should().Be("days");
        ((Action)(() => StatisticsParameters.ParseDays("0"))).Should().Throw<EngagementValidationException>();
        StatisticsParameters.ParseDays("30").Should().Be(30);
    }

    [Fact]
    public async Task The_document_has_the_documented_shape()
    {
        var engine = await EngineAsync(Scenario);

        var json = StatisticsJson.Serialize(await engine.GetStatisticsAsync(Query("s1", 0, 9) with { Days = 2 }), indented: false);

        json.Should().Be("""{"account":"acme","bot":"s1","groupMode":"day","days":2,"timeZone":"UTC","from":"2025-12-06","to":"2025-12-07","series":[{"type":0,"name":"New User","points":[{"period":"2025-12-06","value":0},{"period":"2025-12-07","value":0}]},{"type":9,"name":"Time To Pick Up","points":[{"period":"2025-12-06","value":null},{"period":"2025-12-07","value":null}]}]}""");
    }

    [Fact]
    public void The_throttle_admits_one_call_per_interval_and_says_how_long_to_wait()
    {
        var clock = new Clock(Now);
        var throttle = new CallThrottle(clock);

        throttle.TryAcquire("account:acme", TimeSpan.FromHours(1), out _).Should().BeTrue();
        throttle.TryAcquire("account:acme", TimeSpan.FromHours(1), out var wait).Should().BeFalse();
        wait.Should().Be(TimeSpan.FromHours(1));
        throttle.TryAcquire("bot:s1", TimeSpan.FromMinutes(30), out _).Should().BeTrue("keys are independent");

        clock.Now = Now.AddMinutes(59).AddSeconds(30.5);
        throttle.TryAcquire("account:acme", TimeSpan.FromHours(1), out wait).Should().BeFalse();
        wait.Should().Be(TimeSpan.FromSeconds(30), "29.5 s rounds up");

        clock.Now = Now.AddHours(1);
        throttle.TryAcquire("account:acme", TimeSpan.FromHours(1), out _).Should().BeTrue("refused calls did not push the window");
        throttle.TryAcquire("account:acme", TimeSpan.FromHours(1), out _).Should().BeFalse();
    }

    [Fact]
    public async Task Throttled_statistics_admit_one_call_per_account_per_hour_and_per_bot_per_half_hour()
    {
        var clock = new Clock(Now);
        var engine = await EngineAsync(Scenario, clock);

        await engine.GetThrottledStatisticsAsync(Query("*", 2));
        var again = async () => await engine.GetThrottledStatisticsAsync(Query("s1", 2));
        var invalid = async () => await engine.GetThrottledStatisticsAsync(Query("s1", 2) with { Days = 40 });
        (await again.Should().ThrowAsync<EngagementThrottledException>()).Which.RetryAfter.Should().Be(TimeSpan.FromHours(1));
        await invalid.Should().ThrowAsync<EngagementValidationException>("bad input is refused before the throttle");

        var botEndpoint = Query("s1", 2) with { Scope = StatisticsScope.Bot };
        await engine.GetThrottledStatisticsAsync(botEndpoint);
        clock.Now = Now.AddMinutes(29);
        (await ((Func<Task>)(async () => await engine.GetThrottledStatisticsAsync(botEndpoint))).Should().ThrowAsync<EngagementThrottledException>())
            .Which.RetryAfter.Should().Be(TimeSpan.FromMinutes(1));
        clock.Now = Now.AddMinutes(30);
        (await engine.GetThrottledStatisticsAsync(botEndpoint)).Series.Should().ContainSingle();
    }

    [Fact]
    public async Task The_registered_engine_reads_the_store_history_clock_and_throttle_intervals_from_the_container()
    {
        var clock = new Clock(Now);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddEngagementMetrics().UseInMemoryStore();
        services.Configure<StatisticsThrottleOptions>(o => o.AccountInterval = TimeSpan.FromHours(3));
        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IInteractionStore>().AppendAsync(Scenario.ToList());

        provider.GetRequiredService<IEventHistory>().Should().BeSameAs(provider.GetRequiredService<IInteractionStore>(), "the builder registers the store's history");
        var engine = provider.GetRequiredService<StatisticsEngine>();
        (await engine.GetThrottledStatisticsAsync(Query("*", 2))).Series.Should().ContainSingle();
        var again = async () => await engine.GetThrottledStatisticsAsync(Query("*", 2));
        (await again.Should().ThrowAsync<EngagementThrottledException>()).Which.RetryAfter.Should().Be(TimeSpan.FromHours(3), "the configured interval, not the default");
    }

    [Fact]
    public void A_store_without_history_is_named_when_the_statistics_engine_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UseStore(_ => new TrendsOnlyStore());
        using var provider = services.BuildServiceProvider();

        provider.GetService<IEventHistory>().Should().BeNull();
        provider.GetRequiredService<EngagementEngine>().Should().NotBeNull("trends need only the store");
        var resolve = () => provider.GetRequiredService<StatisticsEngine>();
        resolve.Should().Throw<InvalidOperationException>().WithMessage("The store (TrendsOnlyStore) does not keep whole events (IEventHistory)*");
    }

    // A store with trends only (no IEventHistory), as a third party might write first.
    private sealed class TrendsOnlyStore : IInteractionStore
    {
        private readonly InMemoryInteractionStore _inner = new();

        public ValueTask<AppendResult> AppendAsync(IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default) =>
            _inner.AppendAsync(events, mode, cancellationToken);

        public ValueTask<IActivitySnapshot?> OpenSnapshotAsync(string botId, CancellationToken cancellationToken = default) =>
            _inner.OpenSnapshotAsync(botId, cancellationToken);
    }

    [Fact]
    public void Counts_and_users_match_a_naive_reference_and_the_wildcard_is_the_sum_of_its_bots()
    {
        string[] zones = ["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"];
        var gen =
            from zone in Gen.Elements(zones)
            from mode in Gen.Elements(Enum.GetValues<StatisticsGroupMode>())
            from days in Gen.Choose(1, 30)
            from minutes in Gen.Choose(-60 * 24 * 35, 60 * 24 * 2).ArrayOf()
            from kinds in Gen.Choose(0, 9).ArrayOf()
            select (zone, mode, days, minutes, kinds);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(80), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var tz = TimeZoneParser.Parse(c.zone);
            var events = c.minutes.Select((m, i) =>
            {
                var kind = (InteractionKind)(i < c.kinds.Length ? c.kinds[i] : 0);
                return E(Now.AddMinutes(m).ToString("O"), kind, kind.IsUserActivity() ? "u" + (i % 7) : null, "c" + (i % 4), bot: i % 3 == 0 ? "s2" : "s1", intent: i % 2 == 0, error: i % 5 == 0);
            }).ToList();
            var engine = EngineAsync(events).GetAwaiter().GetResult();
            int[] types = [2, 3, 4, 7, 12, 13, 14, 15, 17];
            var query = Query("*", types) with { Days = c.days, GroupMode = c.mode, TimeZone = tz };
            if (events.Count == 0)
            {
                return;
            }

            var all = engine.GetStatisticsAsync(query).AsTask().GetAwaiter().GetResult();
            var perBot = events.Select(e => e.BotId).Distinct().Select(b => engine.GetStatisticsAsync(query with { Bot = b, Scope = StatisticsScope.Bot }).AsTask().GetAwaiter().GetResult()).ToList();

            // Naive: each event's local label by TimeZoneInfo, window by local date.
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, tz).DateTime);
            var from = today.AddDays(1 - c.days);
            string Label(InteractionEvent e)
            {
                var local = TimeZoneInfo.ConvertTime(e.Timestamp, tz).DateTime;
                return c.mode switch
                {
                    StatisticsGroupMode.Hour => local.ToString("yyyy-MM-dd'T'HH':00'"),
                    StatisticsGroupMode.Day => local.ToString("yyyy-MM-dd"),
                    StatisticsGroupMode.Month => local.ToString("yyyy-MM"),
                    _ => local.ToString("yyyy"),
                };
            }

            bool InWindow(InteractionEvent e)
            {
                var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.Timestamp, tz).DateTime);
                return date >= from && date <= today;
            }

            Func<InteractionEvent, bool>[] counted =
            [
                e => e.Kind.IsUserActivity(),
                e => e.Kind.IsUserActivity(),
                e => e.Kind == InteractionKind.ActionIn,
                e => e.Kind == InteractionKind.MessageIn && e.IntentMatched == false,
                e => e.Kind == InteractionKind.GoalReached,
                e => e.Kind.IsUserInput(),
                e => e.Kind == InteractionKind.ApiRequest,
                e => e.Kind == InteractionKind.ApiRequest && e.Error == true,
                e => e.Kind == InteractionKind.AgentMessage,
            ];
            for (var s = 0; s < types.Length; s++)
            {
                foreach (var point in all.Series[s].Points)
                {
                    var inBucket = events.Where(e => InWindow(e) && Label(e) == point.Period && counted[s](e));
                    decimal expected = s == 0 ? inBucket.Select(e => e.BotId + "/" + e.UserId).Distinct().Count() : inBucket.Count();
                    point.Value.Should().Be(expected, $"{c} type {types[s]} {point.Period}");
                    perBot.Sum(r => r.Series[s].Points.Single(p => p.Period == point.Period).Value).Should().Be(point.Value);
                }
            }
        }));
    }

    [Fact]
    public void Conversation_metrics_match_a_naive_reference()
    {
        string[] zones = ["UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"];
        InteractionKind[] kinds =
        [
            InteractionKind.MessageIn, InteractionKind.ActionIn, InteractionKind.MessageOut, InteractionKind.AgentMessage,
            InteractionKind.HandoverRequested, InteractionKind.AgentJoined, InteractionKind.ConversationClosed,
        ];
        var gen =
            from zone in Gen.Elements(zones)
            from mode in Gen.Elements(StatisticsGroupMode.Hour, StatisticsGroupMode.Day, StatisticsGroupMode.Month)
            from days in Gen.Choose(1, 10)
            from items in Gen.Zip(Gen.Choose(-60 * 24 * 12, 60 * 24 * 2), Gen.Zip(Gen.Choose(0, kinds.Length - 1), Gen.Choose(0, 5))).ArrayOf()
            select (zone, mode, days, items);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(120), Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var tz = TimeZoneParser.Parse(c.zone);
            var events = c.items.Select((item, i) => E(
                Now.AddMinutes(item.Item1).AddSeconds(i % 13).ToString("O"),
                kinds[item.Item2.Item1],
                "u" + (i % 4),
                "c" + item.Item2.Item2)).ToList();
            if (events.Count == 0)
            {
                return;
            }

            var engine = EngineAsync(events).GetAwaiter().GetResult();
            int[] types = [8, 9, 10, 11, 16];
            var result = engine.GetStatisticsAsync(Query("s1", types) with { Days = c.days, GroupMode = c.mode, TimeZone = tz }).AsTask().GetAwaiter().GetResult();

            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, tz).DateTime);
            var from = today.AddDays(1 - c.days);
            string? Bucket(long ticks)
            {
                var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(ticks, TimeSpan.Zero), tz).DateTime;
                var date = DateOnly.FromDateTime(local);
                if (date < from || date > today)
                {
                    return null;
                }

                return c.mode switch
                {
                    StatisticsGroupMode.Hour => local.ToString("yyyy-MM-dd'T'HH':00'"),
                    StatisticsGroupMode.Day => local.ToString("yyyy-MM-dd"),
                    _ => local.ToString("yyyy-MM"),
                };
            }

            // Straight from statistics.md, one conversation at a time, events in time order (ties in the order given).
            var samples = types.ToDictionary(t => t, _ => new List<(string Bucket, decimal Value)>());
            foreach (var conversation in events.GroupBy(e => e.ConversationId!))
            {
                var list = conversation.OrderBy(e => e.Timestamp.UtcTicks).ToList();
                long T(InteractionEvent e) => e.Timestamp.UtcTicks;
                var start = T(list[0]);
                var close = list.FirstOrDefault(e => e.Kind == InteractionKind.ConversationClosed);
                if (close is not null && Bucket(T(close)) is { } closeBucket)
                {
                    samples[8].Add((closeBucket, T(close) - start));
                    if (list.FirstOrDefault(e => e.Kind == InteractionKind.AgentJoined && T(e) <= T(close)) is { } join)
                    {
                        samples[11].Add((closeBucket, T(close) - T(join)));
                    }
                }

                long? wait = null;
                foreach (var e in list)
                {
                    if (e.Kind == InteractionKind.HandoverRequested && wait is null)
                    {
                        wait = T(e);
                    }
                    else if (e.Kind == InteractionKind.AgentJoined && wait is { } since)
                    {
                        if (Bucket(T(e)) is { } joinBucket)
                        {
                            samples[9].Add((joinBucket, T(e) - since));
                        }

                        wait = null;
                    }
                }

                if (Bucket(start) is { } startBucket)
                {
                    samples[10].Add((startBucket, list.Any(e => e.Kind == InteractionKind.AgentJoined) ? 100 : 0));
                }

                var asked = list.FindIndex(e => e.Kind.IsUserInput());
                if (asked >= 0 && Bucket(T(list[asked])) is { } askedBucket
                    && list.Skip(asked + 1).FirstOrDefault(e => e.Kind is InteractionKind.MessageOut or InteractionKind.AgentMessage) is { } reply)
                {
                    samples[16].Add((askedBucket, T(reply) - T(list[asked])));
                }
            }

            for (var s = 0; s < types.Length; s++)
            {
                foreach (var point in result.Series[s].Points)
                {
                    var values = samples[types[s]].Where(x => x.Bucket == point.Period).Select(x => x.Value).ToList();
                    decimal? expected = values.Count == 0 ? null
                        : types[s] == 10 ? Math.Round(values.Sum() / values.Count, 2, MidpointRounding.AwayFromZero)
                        : Math.Round(values.Sum() / values.Count / TimeSpan.TicksPerSecond, 2, MidpointRounding.AwayFromZero);
                    point.Value.Should().Be(expected, $"{c.zone} {c.mode} {c.days} type {types[s]} {point.Period}");
                }
            }
        }));
    }
}
