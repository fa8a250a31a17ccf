using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Stores.Tests.Support;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngagementMetrics.Stores.Tests;

/// <summary>Measures allocation process-wide, so its tests run alone (after the parallel ones).</summary>
[CollectionDefinition(nameof(QueryAllocationCollection), DisableParallelization = true)]
public sealed class QueryAllocationCollection
{
}

/// <summary>
/// The SQL stores' query path: a query allocates a bounded amount however many events it reads (pooled buffers, no
/// array per segment, user or row), and the first-seen pages it reads follow every way an append changes them.
/// No test here measures time.
/// </summary>
public abstract class SqlQueryPathTests : IAsyncLifetime
{
    private const string Bot = "bot-q";
    private static readonly DateTimeOffset Origin = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Channels = ["rtm", "slack", "msteams"];

    /// <summary>A fresh, empty store, with the query cache's capacity given (by default the store's default).</summary>
    protected abstract Task<IInteractionStore> CreateStoreAsync(long queryCacheBytes = SqliteStoreOptions.DefaultQueryCacheBytes);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [StoreFact]
    public Task A_trend_over_100k_events_allocates_less_than_1_MB_per_query() =>
        TrendAllocatesLessThan1MBAsync(SqliteStoreOptions.DefaultQueryCacheBytes);

    [StoreFact]
    public Task A_trend_over_100k_events_allocates_less_than_1_MB_per_query_with_the_query_cache_off() =>
        TrendAllocatesLessThan1MBAsync(0);

    private async Task TrendAllocatesLessThan1MBAsync(long queryCacheBytes)
    {
        var store = await CreateStoreAsync(queryCacheBytes);
        var reference = new InMemoryInteractionStore();
        foreach (var batch in History(100_000, 5_000).Chunk(25_000))
        {
            await store.AppendAsync(batch);
            await reference.AppendAsync(batch);
        }

        var hourly = Query(TrendAggregation.Hourly, "Asia/Kolkata");
        var filtered = Query(TrendAggregation.Daily, "America/New_York") with
        {
            Channels = ["slack", "rtm"],
            ConversationType = ConversationTypeFilter.Interactive,
            ConversationStatus = ConversationStatusFilter.Closed,
        };

        foreach (var query in new[] { hourly, filtered })
        {
            var engine = new EngagementEngine(store);
            var expected = await new EngagementEngine(reference).GetTrendAsync(query);
            var actual = await engine.GetTrendAsync(query);
            actual.Buckets.Should().Equal(expected.Buckets);
            actual.Summary.Should().Be(expected.Summary);

            // With the cache on, the queries measured after the first find its days kept; off, each reads them all.
            var allocated = await AllocatedPerQueryAsync(engine, query);
            allocated.Should().BeLessThan(1024 * 1024, $"a {query.Aggregation} trend over 100k events allocated {allocated:N0} B");
        }
    }

    [StoreFact]
    public async Task First_seen_pages_follow_new_users_late_events_and_users_who_become_active()
    {
        var store = await CreateStoreAsync();
        var reference = new InMemoryInteractionStore();
        async Task AppendAsync(IEnumerable<InteractionEvent> events)
        {
            var batch = events.ToList();
            await store.AppendAsync(batch);
            await reference.AppendAsync(batch);
        }

        // 1,500 active users on day 10, and 500 named only by non-activity events (first seen: never).
        await AppendAsync(Enumerable.Range(0, 1_500).Select(u => Activity(u, Origin.AddDays(10).AddMinutes(u)))
            .Concat(Enumerable.Range(1_500, 500).Select(u => new InteractionEvent { BotId = Bot, UserId = User(u), Timestamp = Origin.AddDays(10).AddMinutes(u), Kind = InteractionKind.ApiRequest })));

        // 600 new users on day 12 (a third page); the 500 become active on day 11; users 0-99 (first page) and 1,030 (second
        // page) have late events that move their first-seen back; user 7 a later one that changes nothing.
        await AppendAsync(Enumerable.Range(2_000, 600).Select(u => Activity(u, Origin.AddDays(12).AddSeconds(u)))
            .Concat(Enumerable.Range(1_500, 500).Select(u => Activity(u, Origin.AddDays(11).AddSeconds(u))))
            .Concat(Enumerable.Range(0, 100).Select(u => Activity(u, Origin.AddDays(5).AddSeconds(u))))
            .Append(Activity(1_030, Origin.AddDays(3)))
            .Append(Activity(7, Origin.AddDays(15))));

        // One more user in the last, partial page; user 2,100 (third page) moves back to day 1.
        await AppendAsync([Activity(2_600, Origin.AddDays(13)), Activity(2_100, Origin.AddDays(1))]);

        foreach (var query in new[] { Query(TrendAggregation.Daily, "UTC"), Query(TrendAggregation.Hourly, "Asia/Kolkata") })
        {
            var actual = await new EngagementEngine(store).GetTrendAsync(query);
            var expected = await new EngagementEngine(reference).GetTrendAsync(query);
            actual.Buckets.Should().Equal(expected.Buckets);
            actual.Summary.Should().Be(expected.Summary);
        }

        // Ordinals may differ between stores; the first-seen values may not.
        (await FirstSeenValuesAsync(store)).Should().BeEquivalentTo(await FirstSeenValuesAsync(reference));
        await using var snapshot = (await store.OpenSnapshotAsync(Bot))!;
        snapshot.UserCount.Should().Be(2_601);
        var firstSeen = (await snapshot.GetFirstSeenAsync()).ToArray();
        firstSeen.Count(t => t == long.MaxValue).Should().Be(0);
        firstSeen.Should().Contain(Origin.AddDays(3).UtcTicks).And.Contain(Origin.AddDays(1).UtcTicks);
    }

    [StoreFact]
    public async Task Segments_keep_every_timestamp_to_the_tick_whatever_the_gaps()
    {
        var store = await CreateStoreAsync();

        // Day 1: gaps at every varint length boundary (0 to 2^39 ticks, within the day), many equal instants, and
        // a long run of small gaps; day 2 holds one event, day 3 two (segments shorter than 8 bytes of deltas).
        var gaps = new List<long> { 0, 0, 1, 127, 128, 16_383, 16_384, (1L << 21) - 1, 1L << 21, 1L << 28, (1L << 35) + 3, 1L << 38, (1L << 39) - 1 };
        gaps.AddRange(Enumerable.Repeat(0L, 50));
        gaps.AddRange(Enumerable.Range(0, 300).Select(i => (long)(i * 7919 % 5000)));
        var ticks = new List<long>();
        var at = Origin.AddDays(1).UtcTicks + 1;
        foreach (var gap in gaps)
        {
            at += gap;
            ticks.Add(at);
        }

        ticks.Last().Should().BeLessThan(Origin.AddDays(2).UtcTicks);
        ticks.Add(Origin.AddDays(2).UtcTicks + 5);
        ticks.Add(Origin.AddDays(3).UtcTicks);
        ticks.Add(Origin.AddDays(4).UtcTicks - 1);
        var events = ticks.Select((t, i) => Activity(i % 37, new DateTimeOffset(t, TimeSpan.Zero))).ToList();

        // Two appends, so a day is merged from two segments too.
        await store.AppendAsync(events.Where((_, i) => i % 2 == 0).ToList());
        await store.AppendAsync(events.Where((_, i) => i % 2 == 1).ToList());

        await using var snapshot = (await store.OpenSnapshotAsync(Bot))!;
        foreach (var columns in new[] { ActivityColumns.All, ActivityColumns.TimeAndUser })
        {
            var scanned = new List<long>();
            await foreach (var batch in snapshot.ScanAsync(long.MinValue, long.MaxValue, columns))
            {
                scanned.AddRange(batch.UtcTicks.ToArray());
            }

            scanned.Should().Equal(ticks, $"a scan of {columns} returns every instant exactly");
        }
    }

    [StoreFact]
    public async Task A_scan_of_times_and_users_only_returns_the_events_of_a_full_scan()
    {
        var store = await CreateStoreAsync();
        foreach (var batch in History(20_000, 700).Chunk(3_000))
        {
            await store.AppendAsync(batch);
        }

        await using var snapshot = (await store.OpenSnapshotAsync(Bot))!;
        var from = Origin.AddDays(3).AddHours(5).UtcTicks;
        var to = Origin.AddDays(20).AddMinutes(17).UtcTicks;
        var full = new List<(long, int)>();
        var channels = new HashSet<int>();
        await foreach (var batch in snapshot.ScanAsync(from, to))
        {
            full.AddRange(batch.UtcTicks.ToArray().Zip(batch.Users.ToArray()));
            channels.UnionWith(batch.Channels.ToArray());
        }

        var narrow = new List<(long, int)>();
        await foreach (var batch in snapshot.ScanAsync(from, to, ActivityColumns.TimeAndUser))
        {
            batch.Channels.Length.Should().Be(batch.Count);
            batch.Conversations.Length.Should().Be(batch.Count);
            narrow.AddRange(batch.UtcTicks.ToArray().Zip(batch.Users.ToArray()));
        }

        full.Should().NotBeEmpty();
        channels.Should().BeEquivalentTo([0, 1, 2]);
        narrow.Should().Equal(full);
    }

    [StoreFact]
    public async Task Ordinals_wider_than_two_bytes_come_back_exactly()
    {
        // 70,000 users, each in a conversation of its own: user and conversation columns three bytes wide.
        const int users = 70_000;
        var store = await CreateStoreAsync();
        var reference = new InMemoryInteractionStore();
        var events = new List<InteractionEvent>(users + (users / 2));
        for (var u = 0; u < users; u++)
        {
            var at = Origin.AddDays(2).AddSeconds(u);
            events.Add(new InteractionEvent { BotId = Bot, UserId = User(u), ConversationId = "c-" + u, Channel = Channels[u % 3], Timestamp = at, Kind = InteractionKind.MessageIn });
            if (u % 2 == 0)
            {
                events.Add(new InteractionEvent { BotId = Bot, ConversationId = "c-" + u, Timestamp = at.AddMilliseconds(1), Kind = InteractionKind.ConversationClosed });
            }
        }

        await store.AppendAsync(events);
        await reference.AppendAsync(events);

        await using (var snapshot = (await store.OpenSnapshotAsync(Bot))!)
        {
            long sum = 0, count = 0;
            await foreach (var batch in snapshot.ScanAsync(long.MinValue, long.MaxValue, ActivityColumns.TimeAndUser))
            {
                foreach (var user in batch.Users.ToArray())
                {
                    sum += user;
                    count++;
                }
            }

            count.Should().Be(users);
            sum.Should().Be((long)users * (users - 1) / 2, "every ordinal from 0 to 69,999 comes back once");
        }

        var closed = Query(TrendAggregation.Daily, "UTC") with { ConversationStatus = ConversationStatusFilter.Closed, Channels = ["slack"] };
        foreach (var query in new[] { Query(TrendAggregation.Hourly, "Asia/Kolkata"), closed })
        {
            var actual = await new EngagementEngine(store).GetTrendAsync(query);
            var expected = await new EngagementEngine(reference).GetTrendAsync(query);
            actual.Buckets.Should().Equal(expected.Buckets);
            actual.Summary.Should().Be(expected.Summary);
        }

        (await new EngagementEngine(store).GetTrendAsync(closed)).Summary.UniqueUsers.Should().Be(Enumerable.Range(0, users).Count(u => u % 2 == 0 && u % 3 == 1));
    }

    private static async Task<long> AllocatedPerQueryAsync(EngagementEngine engine, TrendQuery query)
    {
        // Warm up: JIT, pools, the zone's offset cache, the connection pool.
        for (var i = 0; i < 3; i++)
        {
            await engine.GetTrendAsync(query);
        }

        // The least of a few queries: anything else the process allocates meanwhile only adds.
        var least = long.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var trend = await engine.GetTrendAsync(query);
            var after = GC.GetTotalAllocatedBytes(precise: true);
            trend.Buckets.Should().NotBeEmpty();
            least = Math.Min(least, after - before);
        }

        return least;
    }

    // How many users have each first-seen instant.
    private static async Task<Dictionary<long, int>> FirstSeenValuesAsync(IInteractionStore store)
    {
        await using var snapshot = (await store.OpenSnapshotAsync(Bot))!;
        var firstSeen = await snapshot.GetFirstSeenAsync();
        return firstSeen.ToArray().GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
    }

    private static TrendQuery Query(TrendAggregation aggregation, string zone) => new()
    {
        BotId = Bot,
        StartDate = new DateOnly(2025, 6, 1),
        EndDate = new DateOnly(2025, 6, 30),
        TimeZone = TimeZoneParser.Parse(zone),
        Aggregation = aggregation,
    };

    private static string User(int user) => "user-" + user;

    private static InteractionEvent Activity(int user, DateTimeOffset at) =>
        new() { BotId = Bot, UserId = User(user), Timestamp = at, Kind = InteractionKind.MessageIn, Channel = "rtm" };

    // Conversations of 2-8 events over 30 days (a user's message, the bot's replies, sometimes a button, usually a
    // close), interleaved in time order, users and channels drawn at random: every column of a segment is used.
    private static List<InteractionEvent> History(int events, int users)
    {
        var random = new Random(20250601);
        var span = TimeSpan.FromDays(30).Ticks;
        var list = new List<InteractionEvent>(events);
        var conversation = 0;
        while (list.Count < events)
        {
            var id = "c-" + conversation++;
            var user = User(random.Next(users));
            var channel = Channels[random.Next(Channels.Length)];
            var at = Origin.AddTicks(random.NextInt64(span));
            var length = Math.Min(random.Next(2, 9), events - list.Count);
            for (var i = 0; i < length; i++)
            {
                var kind = i == length - 1 && length > 2 && random.Next(4) > 0 ? InteractionKind.ConversationClosed
                    : i % 2 == 1 ? InteractionKind.MessageOut
                    : random.Next(5) == 0 ? InteractionKind.ActionIn : InteractionKind.MessageIn;
                list.Add(new InteractionEvent { BotId = Bot, UserId = user, ConversationId = id, Channel = channel, Timestamp = at, Kind = kind, EventId = id + "|" + i });
                at = at.AddSeconds(random.Next(1, 120));
            }
        }

        list.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        return list;
    }
}

/// <summary>The query path on a SQLite file.</summary>
[Collection(nameof(QueryAllocationCollection))]
public sealed class SqliteQueryPathTests : SqlQueryPathTests
{
    private readonly ThrowAwayFiles _files = new("em-sqlite-query-");

    public override Task DisposeAsync()
    {
        _files.DeleteAll();
        return Task.CompletedTask;
    }

    protected override Task<IInteractionStore> CreateStoreAsync(long queryCacheBytes = SqliteStoreOptions.DefaultQueryCacheBytes) =>
        Task.FromResult<IInteractionStore>(new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={_files.NewPath()}", QueryCacheBytes = queryCacheBytes }));
}

/// <summary>The query path on PostgreSQL, each store in its own throw-away schema.</summary>
[RequiresPostgres]
[Collection(nameof(QueryAllocationCollection))]
public sealed class PostgreSqlQueryPathTests : SqlQueryPathTests
{
    private readonly ThrowAwaySchemas _schemas = new("tq_");

    public override Task DisposeAsync() => _schemas.DropAllAsync();

    protected override Task<IInteractionStore> CreateStoreAsync(long queryCacheBytes = SqliteStoreOptions.DefaultQueryCacheBytes) =>
        Task.FromResult<IInteractionStore>(_schemas.Open(_schemas.NewSchema(), queryCacheBytes));
}
