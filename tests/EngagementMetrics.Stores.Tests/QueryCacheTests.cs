using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Storage;
using EngagementMetrics.Stores.Tests.Support;
using EngagementMetrics.Tests.Sharding;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Stores.Tests;

/// <summary>
/// The SQL stores' query cache: what a store keeps between queries is reused only while it equals what the database
/// holds. Every answer is compared with the in-memory store's over the same events, while other store instances (as
/// other processes would) append to the same database between queries.
/// </summary>
public abstract class QueryCacheTests : IAsyncLifetime
{
    private const string Bot = "bot-c";
    private static readonly DateTimeOffset Origin = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Channels = ["rtm", "slack", "msteams", "whatsapp"];
    private static readonly string[] Zones = ["UTC", "Asia/Kolkata", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia"];

    /// <summary>A new, empty database; the function opens a store over it with the query cache's capacity given.</summary>
    protected abstract Func<long, IInteractionStore> NewDatabase();

    /// <summary>The query cache of a store made by <see cref="NewDatabase"/>: days it has read, bytes it holds.</summary>
    protected abstract (long DaysRead, long Bytes) CacheOf(IInteractionStore store);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [StoreFact]
    public async Task A_repeated_query_reads_no_day_again_and_an_append_makes_it_read_only_the_days_it_changed()
    {
        var open = NewDatabase();
        var writer = open(0);
        var reader = open(PostgreSqlStoreOptions.DefaultQueryCacheBytes);
        var reference = new InMemoryInteractionStore();
        await AppendAsync([writer], reference, Conversations(new Random(1), 3_000, 400, days: 30));

        var query = Trend(TrendAggregation.Hourly, "Asia/Kolkata", 1, 30);
        await ExpectSameAsync(reader, reference, query);
        var first = CacheOf(reader).DaysRead;
        first.Should().BeInRange(29, 31, "the first query decodes every day it touches");

        await ExpectSameAsync(reader, reference, query);
        await ExpectSameAsync(reader, reference, query with { StartDate = new DateOnly(2025, 6, 10), EndDate = new DateOnly(2025, 6, 20) });
        CacheOf(reader).DaysRead.Should().Be(first, "nothing changed, so nothing is read again");

        // Another instance (another process) appends to day 12 only: the next query reads that day alone.
        await AppendAsync([writer], reference, [Activity(7, Origin.AddDays(12).AddHours(3)), Activity(9_999, Origin.AddDays(12).AddHours(4))]);
        await ExpectSameAsync(reader, reference, query);
        CacheOf(reader).DaysRead.Should().Be(first + 1);

        // A filter on channels needs the channel column, which the kept days were decoded without.
        await ExpectSameAsync(reader, reference, query with { Channels = ["slack"] });
        CacheOf(reader).DaysRead.Should().BeGreaterThan(first + 1);
    }

    [StoreFact]
    public async Task Answers_equal_the_in_memory_store_through_appends_late_events_compaction_and_eviction()
    {
        var open = NewDatabase();
        var writers = new[] { open(0), open(PostgreSqlStoreOptions.DefaultQueryCacheBytes) };
        var readers = new[] { writers[1], open(PostgreSqlStoreOptions.DefaultQueryCacheBytes), open(96 * 1024) };
        var reference = new InMemoryInteractionStore();
        var random = new Random(20251122);
        var nextUser = 0;

        for (var step = 0; step < 40; step++)
        {
            switch (random.Next(5))
            {
                case 0:
                    // New conversations over the month, some new users.
                    var batch = Conversations(random, random.Next(50, 600), nextUser + 50, days: 30);
                    nextUser += 50;
                    await AppendAsync(writers, reference, batch, random);
                    break;
                case 1:
                    // Many small appends to one day: more segments than the day keeps, so it is compacted.
                    var day = random.Next(30);
                    for (var i = 0; i < 10; i++)
                    {
                        await AppendAsync(writers, reference, [Activity(random.Next(nextUser + 5), Origin.AddDays(day).AddMinutes(random.Next(1_440)))], random);
                    }

                    break;
                case 2:
                    // Late events: known users seen earlier than before (their first-seen moves back).
                    await AppendAsync(writers, reference, Enumerable.Range(0, 20).Select(_ => Activity(random.Next(Math.Max(1, nextUser)), Origin.AddHours(random.Next(48)))).ToList(), random);
                    break;
                default:
                    var from = random.Next(1, 30);
                    var to = Math.Min(30, from + random.Next(0, 15));
                    var query = Trend(random.Next(2) == 0 ? TrendAggregation.Hourly : TrendAggregation.Daily, Zones[random.Next(Zones.Length)], from, to);
                    if (random.Next(3) == 0)
                    {
                        query = query with { Channels = [Channels[random.Next(Channels.Length)]] };
                    }

                    foreach (var reader in readers)
                    {
                        await ExpectSameAsync(reader, reference, query);
                    }

                    break;
            }
        }

        CacheOf(readers[2]).Bytes.Should().BeLessThanOrEqualTo(96 * 1024, "the small cache stays within its capacity");
        CacheOf(readers[1]).Bytes.Should().BePositive();
        foreach (var reader in readers)
        {
            await ExpectSameAsync(reader, reference, Trend(TrendAggregation.Daily, "UTC", 1, 30));
        }
    }

    [StoreFact]
    public async Task A_cache_smaller_than_one_day_keeps_nothing_and_answers_the_same()
    {
        var open = NewDatabase();
        var store = open(1024);
        var reference = new InMemoryInteractionStore();
        await AppendAsync([store], reference, Conversations(new Random(3), 2_000, 300, days: 5));
        for (var i = 0; i < 3; i++)
        {
            await ExpectSameAsync(store, reference, Trend(TrendAggregation.Hourly, "America/New_York", 1, 6));
        }

        CacheOf(store).Bytes.Should().BeLessThanOrEqualTo(1024);
    }

    [StoreFact]
    public async Task Lifecycle_retention_and_conversation_filters_from_kept_days_equal_the_in_memory_store()
    {
        var open = NewDatabase();
        var writer = open(0);
        var reader = open(PostgreSqlStoreOptions.DefaultQueryCacheBytes);
        var reference = new InMemoryInteractionStore();
        await AppendAsync([writer], reference, Conversations(new Random(5), 4_000, 500, days: 30));
        InteractionEvent Fixed(int round, InteractionKind kind) =>
            new() { BotId = Bot, UserId = "user-fixed-" + round, ConversationId = "c-fixed-" + round, Channel = "rtm", Kind = kind, Timestamp = Origin.AddDays(5 + round).AddHours(kind == InteractionKind.ConversationClosed ? 1 : 0), EventId = $"fixed-{round}-{kind}" };
        await AppendAsync([writer], reference, [Fixed(0, InteractionKind.MessageIn), Fixed(1, InteractionKind.MessageIn), Fixed(2, InteractionKind.MessageIn)]);
        var engine = new EngagementEngine(reader);
        var expected = new EngagementEngine(reference);
        for (var round = 0; round < 3; round++)
        {
            foreach (var aggregation in new[] { LifecycleAggregation.Day, LifecycleAggregation.Week, LifecycleAggregation.Hour })
            {
                var lifecycle = new LifecycleQuery { BotId = Bot, StartDate = new DateOnly(2025, 6, 1), EndDate = new DateOnly(2025, 6, 30), TimeZone = TimeZoneParser.Parse("Asia/Kolkata"), Aggregation = aggregation };
                (await engine.GetLifecycleAsync(lifecycle)).Buckets.Should().BeEquivalentTo((await expected.GetLifecycleAsync(lifecycle)).Buckets, o => o.WithStrictOrdering());
            }

            var retention = new RetentionQuery { BotId = Bot, StartDate = new DateOnly(2025, 6, 2), EndDate = new DateOnly(2025, 6, 20), TimeZone = TimeZoneParser.Parse("America/New_York"), Periods = 5 };
            (await engine.GetRetentionAsync(retention)).Cohorts.Should().BeEquivalentTo((await expected.GetRetentionAsync(retention)).Cohorts, o => o.WithStrictOrdering());

            // A conversation filter reads the conversation column (kept days without it are read again) and the
            // conversations' facts (kept for this version of the bot).
            await ExpectSameAsync(reader, reference, Trend(TrendAggregation.Daily, "UTC", 3, 28) with { ConversationType = ConversationTypeFilter.Interactive });
            await ExpectSameAsync(reader, reference, Trend(TrendAggregation.Daily, "UTC", 3, 28) with { ConversationStatus = ConversationStatusFilter.Closed });

            // Between rounds another instance appends (new users, late events, a conversation closed): the kept days
            // and values are checked again.
            await AppendAsync([writer], reference, [.. Conversations(new Random(round), 300, 700, days: 30), Fixed(round, InteractionKind.ConversationClosed)]);
        }
    }

    [StoreFact]
    public async Task A_snapshot_opened_before_an_append_reads_its_own_version_after_newer_queries_refilled_the_cache()
    {
        var open = NewDatabase();
        var writer = open(0);
        var reader = open(PostgreSqlStoreOptions.DefaultQueryCacheBytes);
        var uncached = open(0);
        var reference = new InMemoryInteractionStore();
        await AppendAsync([writer], reference, Conversations(new Random(7), 2_000, 300, days: 10));
        await ExpectSameAsync(reader, reference, Trend(TrendAggregation.Hourly, "UTC", 1, 10));

        await using var before = (await reader.OpenSnapshotAsync(Bot))!;
        await using var truth = (await uncached.OpenSnapshotAsync(Bot))!;

        // Twelve appends to day 3 (compacted on the way) and new users, then a query that keeps the newer version.
        for (var i = 0; i < 12; i++)
        {
            await AppendAsync([writer], reference, [Activity(1_000 + i, Origin.AddDays(2).AddHours(i)), Activity(i, Origin.AddDays(1).AddMinutes(i))]);
        }

        await ExpectSameAsync(reader, reference, Trend(TrendAggregation.Hourly, "UTC", 1, 10));

        before.UserCount.Should().Be(truth.UserCount);
        (await before.GetFirstSeenAsync()).ToArray().Should().Equal((await truth.GetFirstSeenAsync()).ToArray());
        foreach (var columns in new[] { ActivityColumns.TimeAndUser, ActivityColumns.All })
        {
            (await ScanAsync(before, columns)).Should().Equal(await ScanAsync(truth, columns));
        }
    }

    [StoreFact]
    public async Task A_scan_cancelled_half_way_leaves_nothing_half_kept()
    {
        var open = NewDatabase();
        var reader = open(PostgreSqlStoreOptions.DefaultQueryCacheBytes);
        var reference = new InMemoryInteractionStore();
        await AppendAsync([reader], reference, Conversations(new Random(11), 3_000, 300, days: 20));
        using (var cancel = new CancellationTokenSource())
        {
            await using var snapshot = (await reader.OpenSnapshotAsync(Bot))!;
            var scan = async () =>
            {
                await foreach (var _ in snapshot.ScanAsync(long.MinValue, long.MaxValue, ActivityColumns.TimeAndUser, cancel.Token))
                {
                    await cancel.CancelAsync();
                }
            };
            await scan.Should().ThrowAsync<OperationCanceledException>();
        }

        for (var i = 0; i < 2; i++)
        {
            await ExpectSameAsync(reader, reference, Trend(TrendAggregation.Hourly, "Asia/Kolkata", 1, 20));
        }
    }

    [StoreFact]
    public async Task Concurrent_queries_during_appends_fail_nothing_and_end_equal_to_the_in_memory_store()
    {
        var open = NewDatabase();
        var writer = open(0);
        var reader = open(256 * 1024);
        var reference = new InMemoryInteractionStore();
        await AppendAsync([writer], reference, Conversations(new Random(13), 2_000, 300, days: 30));
        var query = Trend(TrendAggregation.Daily, "UTC", 1, 30);
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            var engine = new EngagementEngine(reader);
            var last = 0;
            var queries = 0;
            while (!done.IsCancellationRequested || queries < 5)
            {
                var narrow = query with { StartDate = new DateOnly(2025, 6, 1 + (queries % 10)), Channels = r % 2 == 0 ? null : ["slack", "rtm"] };
                _ = await engine.GetTrendAsync(narrow);
                var whole = (await engine.GetTrendAsync(query)).Summary.UniqueUsers;
                whole.Should().BeGreaterThanOrEqualTo(last, "users only come, so a later snapshot never counts fewer");
                last = whole;
                queries++;
            }
        })).ToArray();

        var random = new Random(17);
        for (var i = 0; i < 25; i++)
        {
            await AppendAsync([writer], reference, i % 5 == 4
                ? Enumerable.Range(0, 10).Select(_ => Activity(random.Next(2_000), Origin.AddDays(random.Next(30)).AddMinutes(random.Next(1_440)))).ToList()
                : Conversations(random, 80, 400 + (i * 20), days: 30));
        }

        await done.CancelAsync();
        await Task.WhenAll(readers);
        await ExpectSameAsync(reader, reference, query);
        await ExpectSameAsync(reader, reference, query with { Channels = ["slack"] });
        CacheOf(reader).Bytes.Should().BeLessThanOrEqualTo(256 * 1024);
    }

    [StoreFact]
    public async Task Bots_share_a_small_cache_and_each_answers_exactly()
    {
        var open = NewDatabase();
        var store = open(160 * 1024);
        var reference = new InMemoryInteractionStore();
        string[] bots = ["bot-a", "bot-b", "bot-c"];
        foreach (var bot in bots)
        {
            var events = Conversations(new Random(bot.GetHashCode(StringComparison.Ordinal)), 3_000, 400, days: 30).Select(e => e with { BotId = bot }).ToList();
            await AppendAsync([store], reference, events);
        }

        var random = new Random(19);
        for (var i = 0; i < 24; i++)
        {
            var from = random.Next(1, 25);
            var query = Trend(TrendAggregation.Hourly, Zones[random.Next(Zones.Length)], from, from + random.Next(0, 6)) with { BotId = bots[random.Next(bots.Length)] };
            await ExpectSameAsync(store, reference, query);
            CacheOf(store).Bytes.Should().BeLessThanOrEqualTo(160 * 1024);
        }
    }

    private static async Task<List<(long Ticks, int User, int Channel, int Conversation)>> ScanAsync(IActivitySnapshot snapshot, ActivityColumns columns)
    {
        var all = columns == ActivityColumns.All;
        var rows = new List<(long, int, int, int)>();
        await foreach (var batch in snapshot.ScanAsync(long.MinValue, long.MaxValue, columns))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                rows.Add((batch.UtcTicks.Span[i], batch.Users.Span[i], all ? batch.Channels.Span[i] : 0, all ? batch.Conversations.Span[i] : 0));
            }
        }

        return rows;
    }

    private static async Task AppendAsync(IInteractionStore[] writers, InMemoryInteractionStore reference, List<InteractionEvent> events, Random? random = null)
    {
        var writer = writers[random?.Next(writers.Length) ?? 0];
        (await writer.AppendAsync(events)).Stored.Should().Be(events.Count);
        await reference.AppendAsync(events);
    }

    private static async Task ExpectSameAsync(IInteractionStore store, IInteractionStore reference, TrendQuery query)
    {
        var actual = await new EngagementEngine(store).GetTrendAsync(query);
        var expected = await new EngagementEngine(reference).GetTrendAsync(query);
        actual.Buckets.Should().Equal(expected.Buckets, $"{query.Aggregation} {query.TimeZone.Id} {query.StartDate}..{query.EndDate} {string.Join(',', query.Channels ?? [])}");
        actual.Summary.Should().Be(expected.Summary);
    }

    private static TrendQuery Trend(TrendAggregation aggregation, string zone, int fromDay, int toDay) => new()
    {
        BotId = Bot,
        StartDate = new DateOnly(2025, 6, fromDay),
        EndDate = new DateOnly(2025, 6, toDay),
        TimeZone = TimeZoneParser.Parse(zone),
        Aggregation = aggregation,
    };

    private static InteractionEvent Activity(int user, DateTimeOffset at) =>
        new() { BotId = Bot, UserId = "user-" + user, Timestamp = at, Kind = InteractionKind.MessageIn, Channel = Channels[user % Channels.Length], EventId = Guid.NewGuid().ToString("N") };

    // Conversations of 2-6 events at random instants of the first `days` days, users drawn from `users`.
    private static List<InteractionEvent> Conversations(Random random, int events, int users, int days)
    {
        var list = new List<InteractionEvent>(events);
        while (list.Count < events)
        {
            var id = "c-" + Guid.NewGuid().ToString("N");
            var user = random.Next(users);
            var at = Origin.AddTicks(random.NextInt64(TimeSpan.FromDays(days).Ticks));
            var length = random.Next(2, 7);
            for (var i = 0; i < length && list.Count < events; i++)
            {
                var kind = i % 2 == 1 ? InteractionKind.MessageOut : InteractionKind.MessageIn;
                list.Add(new InteractionEvent { BotId = Bot, UserId = "user-" + user, ConversationId = id, Channel = Channels[user % Channels.Length], Timestamp = at, Kind = kind, EventId = id + "|" + i });
                at = at.AddSeconds(random.Next(1, 90));
            }
        }

        return list;
    }
}

/// <summary>The query cache of the SQLite store.</summary>
public sealed class SqliteQueryCacheTests : QueryCacheTests
{
    private readonly ThrowAwayFiles _files = new("em-sqlite-cache-");

    public override Task DisposeAsync()
    {
        _files.DeleteAll();
        return Task.CompletedTask;
    }

    protected override Func<long, IInteractionStore> NewDatabase()
    {
        var path = _files.NewPath();
        return bytes => new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={path}", QueryCacheBytes = bytes });
    }

    protected override (long DaysRead, long Bytes) CacheOf(IInteractionStore store)
    {
        var cache = ((SqliteInteractionStore)store).Relational.Cache;
        return (cache.DaysRead, cache.Bytes);
    }
}

/// <summary>The query cache of the PostgreSQL store.</summary>
[RequiresPostgres]
public sealed class PostgreSqlQueryCacheTests : QueryCacheTests
{
    private readonly ThrowAwaySchemas _schemas = new("tc_");

    public override Task DisposeAsync() => _schemas.DropAllAsync();

    protected override Func<long, IInteractionStore> NewDatabase()
    {
        var schema = _schemas.NewSchema();
        return bytes => _schemas.Open(schema, bytes);
    }

    protected override (long DaysRead, long Bytes) CacheOf(IInteractionStore store)
    {
        var cache = ((PostgreSqlInteractionStore)store).Relational.Cache;
        return (cache.DaysRead, cache.Bytes);
    }
}

/// <summary>The query cache of the PostgreSQL store through the coordinator of a sharded deployment.</summary>
[RequiresEnvironmentVariable(ShardedDeployment.CoordinatorVariable, Hint = ShardedDeployment.Hint)]
public sealed class ShardedQueryCacheTests : QueryCacheTests
{
    private readonly List<PostgreSqlInteractionStore> _stores = [];
    private ShardedDeployment? _deployment;

    public override async Task InitializeAsync() => _deployment = await ShardedDeployment.CreateAsync("qc_", partitions: 4);

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }
    }

    protected override Func<long, IInteractionStore> NewDatabase() => bytes =>
    {
        var store = _deployment!.CreateStore(PostgreSqlLayout.Sharded, queryCacheBytes: bytes);
        _stores.Add(store);
        return store;
    };

    protected override (long DaysRead, long Bytes) CacheOf(IInteractionStore store)
    {
        var cache = ((PostgreSqlInteractionStore)store).Relational.Cache;
        return (cache.DaysRead, cache.Bytes);
    }
}

/// <summary>The query cache's option on both stores.</summary>
public sealed class QueryCacheOptionTests
{
    [Fact]
    public void A_negative_capacity_is_refused_naming_the_option_and_value()
    {
        const string message = "QueryCacheBytes -1 is negative: give 0 to turn the query cache off";
        var sqlite = () => new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = "Data Source=unused.db", QueryCacheBytes = -1 });
        var postgres = () => new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = "Host=127.0.0.1", QueryCacheBytes = -1 });
        foreach (var create in new Func<IInteractionStore>[] { sqlite, postgres })
        {
            create.Should().Throw<EngagementValidationException>().Which.Should().Match<EngagementValidationException>(e => e.ParameterName == "QueryCacheBytes" && e.Value == "-1" && e.Message == message);
        }

        File.Exists("unused.db").Should().BeFalse();
    }

    [Fact]
    public void The_default_is_64_MiB_and_0_turns_it_off()
    {
        new SqliteStoreOptions().QueryCacheBytes.Should().Be(64L * 1024 * 1024);
        new PostgreSqlStoreOptions().QueryCacheBytes.Should().Be(64L * 1024 * 1024);
        new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = "Data Source=unused.db", QueryCacheBytes = 0 }).Relational.Cache.Enabled.Should().BeFalse();
    }
}
