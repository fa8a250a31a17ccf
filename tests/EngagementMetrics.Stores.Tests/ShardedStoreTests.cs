using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EngagementMetrics.Events;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Storage;
using EngagementMetrics.Stores.CrashWriter;
using EngagementMetrics.Stores.Tests.Support;
using EngagementMetrics.Tests.Sharding;
using EngagementMetrics.Trends;
using Npgsql;
using static EngagementMetrics.Conformance.TestEvents;

namespace EngagementMetrics.Stores.Tests;

/// <summary>
/// The PostgreSQL store sharded by bot on the servers .ci/run starts (a coordinator and two shards, each its own
/// initdb): every statement about a bot reaches one shard, bots spread over both, a stopped shard fails its own bots
/// only, a coordinator killed mid-batch loses no committed batch and keeps nothing of the killed one, and writers
/// through one coordinator never store an event twice. The tests that stop or kill a server do it to a throw-away
/// server of their own ($EM_POSTGRES_SHARDS_CTL new), so the tests sharing the three servers run on undisturbed.
/// </summary>
[RequiresEnvironmentVariable(ShardedDeployment.CoordinatorVariable, Hint = ShardedDeployment.Hint)]
public sealed class ShardedStoreTests
{
    private static readonly DateTimeOffset Origin = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [StoreFact]
    public async Task Every_statement_about_one_bot_reaches_exactly_one_shard()
    {
        await using var deployment = await ShardedDeployment.CreateAsync("plans_", partitions: 4);

        // The store's sessions log the plan of every statement they run (auto_explain: JSON, VERBOSE, actual parameters)
        // to the coordinator's log, which the test reads back.
        var explained = new NpgsqlConnectionStringBuilder(deployment.CoordinatorConnection)
        {
            Options = "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_verbose=on -c auto_explain.log_format=json",
        }.ConnectionString;
        await using var store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = explained, Schema = deployment.Schema });
        string[] bots = ["plan-a", "plan-b"];

        // Every kind of write and read: new users, channels, labels and conversations; conversations and users carried into
        // a later batch (facts and first-seen moved by a late event); a batch of ids already stored (the id lookup); more
        // than 8 appends to one day (compaction); trends with and without conversation filters; statistics' history.
        var history = new List<InteractionEvent>();
        foreach (var bot in bots)
        {
            var first = Generate(new Random(1), Origin.AddDays(2), 300, users: 40, days: 3, bot: bot, idPrefix: "a").ToList();
            first.Add(new InteractionEvent { BotId = bot, ConversationId = "c1", Timestamp = Origin.AddDays(2), Kind = InteractionKind.GoalReached, Goal = "signup", Tag = "promo" });
            await store.AppendAsync(first);
            var late = Generate(new Random(2), Origin, 200, users: 60, days: 6, bot: bot, idPrefix: "b").ToList();
            await store.AppendAsync(late);
            (await store.AppendAsync(first.Take(50).Concat(late.Take(50)).ToList())).Duplicates.Should().Be(100);
            for (var i = 0; i < 10; i++)
            {
                await store.AppendAsync([Event("u" + i, $"2025-03-04T1{i % 10}:00:00Z", bot: bot, conversation: "c2", eventId: "day-" + i)]);
            }

            history.AddRange(first.Concat(late));
            var engine = new EngagementEngine(store);
            await engine.GetTrendAsync(Query("2025-03-01", "2025-03-07", bot: bot));
            await engine.GetTrendAsync(Query("2025-03-01", "2025-03-07", bot: bot) with { ConversationType = ConversationTypeFilter.Interactive });
            (await store.ReadEventsAsync(bot, Origin.UtcTicks, Origin.AddDays(7).UtcTicks)).Should().NotBeEmpty();
        }

        (await store.GetBotIdsAsync(InteractionEvent.DefaultAccountId)).Should().Equal(bots);
        var partitionOf = new Dictionary<string, int>();
        foreach (var bot in bots)
        {
            partitionOf[bot] = await deployment.PartitionOfAsync(bot);
        }

        var plans = Plans(await ShardedDeployment.ControlAsync("log", "coordinator"), deployment.Schema);
        var reached = new HashSet<string>();
        foreach (var plan in plans)
        {
            var partitions = plan.Partitions.Select(p => Remainder(p)).Distinct().ToList();
            if (plan.Operation == "Insert")
            {
                // An INSERT is routed row by row at run time (by each row's bot_id), so its plan names no partition; where
                // the rows went is checked below.
                partitions.Should().BeEmpty(plan.Text);
                reached.Add("Insert " + plan.Table);
                continue;
            }

            if (plan.Text.Contains("WHERE account_id", StringComparison.Ordinal))
            {
                // The one statement not about one bot (bots of an account): it reads every partition.
                partitions.Should().BeEquivalentTo([0, 1, 2, 3], plan.Text);
                continue;
            }

            plan.RemoteSql.Should().NotBeEmpty(plan.Text);
            var bot = plan.RemoteSql.Select(BotOf).Distinct().Should().ContainSingle($"one bot in every remote statement of {plan.Text}").Subject;
            partitions.Should().Equal([partitionOf[bot]], $"{plan.Text} must reach only the partition of {bot} ({string.Join("; ", plan.RemoteSql)})");
            reached.Add(plan.Operation + " " + plan.Table);
        }

        reached.Should().Contain([
            "Select em_bots", "Select em_event_ids", "Select em_users", "Select em_first_seen", "Select em_channels", "Select em_labels",
            "Select em_conversations", "Select em_activity", "Select em_history",
            "Update em_bots", "Update em_users", "Update em_first_seen", "Update em_conversations", "Delete em_activity", "Delete em_history",
            "Insert em_bots", "Insert em_event_ids", "Insert em_users", "Insert em_first_seen", "Insert em_channels", "Insert em_labels",
            "Insert em_conversations", "Insert em_activity", "Insert em_history",
        ]);

        // Every row of a bot, in every table, lies in the bot's partition: each table read whole, every partition scanned.
        await using var coordinator = new NpgsqlConnection(deployment.CoordinatorConnection);
        await coordinator.OpenAsync();
        foreach (var table in new[] { "bots", "event_ids", "users", "first_seen", "channels", "labels", "conversations", "activity", "history" })
        {
            await using var where = new NpgsqlCommand($"SELECT bot_id, array_agg(DISTINCT tableoid::regclass::text) FROM {deployment.Schema}.em_{table} GROUP BY bot_id", coordinator);
            await using var reader = await where.ExecuteReaderAsync();
            var found = 0;
            while (await reader.ReadAsync())
            {
                reader.GetFieldValue<string[]>(1).Should().Equal([$"{deployment.Schema}.em_{table}_p{partitionOf[reader.GetString(0)]}"], $"the rows of {reader.GetString(0)} in em_{table}");
                found++;
            }

            found.Should().Be(2, $"both bots have rows in em_{table}");
        }
    }

    [StoreFact]
    public async Task Bots_spread_over_both_shards_and_each_answers_like_the_reference()
    {
        await using var deployment = await ShardedDeployment.CreateAsync("spread_", partitions: 4);
        await using var store = deployment.CreateStore();
        var bots = Enumerable.Range(0, 16).Select(i => "spread-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var events = bots.SelectMany((bot, i) => Generate(new Random(i), Origin, 120, users: 15, days: 4, bot: bot, idPrefix: "e")).ToList();

        // Batches of several bots at once, as an ingest of a mixed file sends them.
        foreach (var batch in events.Chunk(500))
        {
            await store.AppendAsync(batch);
        }

        var perShard = new int[deployment.ShardConnections.Count];
        for (var shard = 0; shard < perShard.Length; shard++)
        {
            // Counted on the shard itself, not through the coordinator.
            await using var connection = new NpgsqlConnection(deployment.ShardConnections[shard]);
            await connection.OpenAsync();
            foreach (var remainder in Enumerable.Range(0, deployment.Script.Partitions).Where(r => deployment.Script.ShardOf(r) == shard))
            {
                await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {deployment.Schema}.em_bots_p{remainder}", connection);
                perShard[shard] += (int)(long)(await count.ExecuteScalarAsync())!;
            }
        }

        perShard.Should().OnlyContain(n => n > 0, "both shards hold bots").And.Subject.Sum().Should().Be(bots.Count);
        (await store.GetBotIdsAsync(InteractionEvent.DefaultAccountId)).Should().BeEquivalentTo(bots);
        foreach (var bot in bots)
        {
            await AssertLikeReferenceAsync(store, events, Query("2025-03-01", "2025-03-05", "Europe/Berlin", TrendAggregation.Hourly, bot));
        }
    }

    [StoreFact]
    public async Task A_stopped_shard_fails_only_its_own_bots_with_a_store_exception_naming_it_until_it_is_back()
    {
        var server = "stop-" + Guid.NewGuid().ToString("N")[..8];
        var spare = await ShardedDeployment.ControlAsync("new", server);
        try
        {
            await using var deployment = await ShardedDeployment.CreateAsync("stop_", coordinator: null, shards: [ShardedDeployment.Shards[0], spare]);
            await using var store = deployment.CreateStore();
            var (up, down) = await BotsOnEachShardAsync(deployment, store);
            var engine = new EngagementEngine(store);
            var query = (string bot) => Query("2025-03-01", "2025-03-05", bot: bot);
            (await engine.GetTrendAsync(query(down))).Summary.UniqueUsers.Should().BePositive();

            await ShardedDeployment.ControlAsync("stop", server);

            var address = $"127.0.0.1:{new NpgsqlConnectionStringBuilder(spare).Port}/postgres";
            var expected = $"PostgreSQL database *: its shard server {deployment.Script.ServerNames[1]} ({address}) cannot be used, so the bots it holds cannot be read or written until it is back: *";
            Func<Task> trend = async () => await engine.GetTrendAsync(query(down));
            Func<Task> append = async () => await store.AppendAsync([Event("late", "2025-03-02T10:00:00Z", bot: down)]);
            Func<Task> events = async () => await store.ReadEventsAsync(down, Origin.UtcTicks, Origin.AddDays(5).UtcTicks);
            foreach (var failing in new[] { trend, append, events })
            {
                var thrown = (await failing.Should().ThrowAsync<EngagementStoreException>().WithMessage(expected)).Which;
                thrown.Message.Should().NotContain("\n");
                thrown.InnerException.Should().BeOfType<PostgresException>().Which.SqlState.Should().StartWith("08");
            }

            // The other shard's bots answer and take events meanwhile.
            (await engine.GetTrendAsync(query(up))).Summary.UniqueUsers.Should().BePositive();
            (await store.AppendAsync([Event("while-down", "2025-03-02T10:00:00Z", bot: up, eventId: "while-down")])).Stored.Should().Be(1);

            await ShardedDeployment.ControlAsync("start", server);
            (await engine.GetTrendAsync(query(down))).Summary.UniqueUsers.Should().BePositive("the shard is back");
            (await store.AppendAsync([Event("back", "2025-03-02T10:00:00Z", bot: down, eventId: "back")])).Stored.Should().Be(1);
        }
        finally
        {
            await ShardedDeployment.ControlAsync("remove", server);
        }
    }

    [StoreFact]
    public async Task A_coordinator_killed_mid_batch_leaves_every_committed_batch_and_nothing_of_the_killed_one()
    {
        var server = "crash-" + Guid.NewGuid().ToString("N")[..8];
        var coordinator = await ShardedDeployment.ControlAsync("new", server);
        try
        {
            await using var deployment = await ShardedDeployment.CreateAsync("crash_", coordinator: coordinator);
            var application = CrashBatch.ApplicationName(deployment.Schema);
            var remote = "fdw-" + application;
            await using (var setup = new NpgsqlConnection(coordinator))
            {
                // The coordinator's sessions on the shards carry a name of their own, so the test can wait for them to end.
                await setup.OpenAsync();
                foreach (var name in deployment.Script.ServerNames)
                {
                    await using var rename = new NpgsqlCommand($"ALTER SERVER {name} OPTIONS (ADD application_name '{remote}')", setup);
                    await rename.ExecuteNonQueryAsync();
                }
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var start = CrashWriterProcess.StartInfo("postgres", deployment.Schema, 1000, 300_000);
            start.Environment[PostgresServer.EnvironmentVariable] = coordinator;
            var (process, lines) = await CrashWriterProcess.StartSecondBatchAsync(start, timeout.Token);
            using var _ = process;
            try
            {
                // SIGKILL to every process of the coordinator once the second batch writes into the shard through it: the
                // writer's session holds the lock of its insert into the ids table.
                await using var watch = NpgsqlDataSource.Create(coordinator);
                while (!await CrashWriterProcess.HoldsInsertLockAsync(watch, application, $"{deployment.Schema}.em_event_ids", timeout.Token))
                {
                    process.HasExited.Should().BeFalse("the writer must still be inside its second batch");
                    await Task.Delay(20, timeout.Token);
                }

                await Task.Delay(200, timeout.Token);
                await ShardedDeployment.ControlAsync("kill", server);
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(timeout.Token);
            }

            lines.Should().NotContain("committed 2");

            // Each shard rolls back the remote transaction when it finds the coordinator gone.
            foreach (var shard in deployment.ShardConnections)
            {
                await using var source = NpgsqlDataSource.Create(shard);
                while (await CrashWriterProcess.SessionsAsync(source, remote, timeout.Token) > 0)
                {
                    await Task.Delay(50, timeout.Token);
                }
            }

            await ShardedDeployment.ControlAsync("start", server);
            await using var dataSource = NpgsqlDataSource.Create(coordinator);
            async Task<long> CountAsync(string sql)
            {
                await using var command = dataSource.CreateCommand(sql);
                return (long)(await command.ExecuteScalarAsync(timeout.Token))!;
            }

            var schema = deployment.Schema;
            (await CountAsync($"SELECT SUM(event_count)::bigint FROM {schema}.em_history WHERE bot_id = '{CrashBatch.Bot}'")).Should().Be(1000, "only the committed batch is stored");
            (await CountAsync($"SELECT COUNT(*) FROM {schema}.em_event_ids")).Should().Be(1000, "and only its ids");
            (await CountAsync($"SELECT COUNT(*) FROM {schema}.em_users")).Should().Be(1000, "and only its users");
            (await CountAsync($"SELECT event_count FROM {schema}.em_bots WHERE bot_id = '{CrashBatch.Bot}'")).Should().Be(1000, "the bot's counters are the committed batch's");

            await using var store = deployment.CreateStore(PostgreSqlLayout.Sharded);
            var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-01-01", "2025-01-10", bot: CrashBatch.Bot));
            trend.Summary.UniqueUsers.Should().Be(1000, "the committed batch had 1000 distinct users");
            trend.Buckets.Where(b => b.LocalStart != new DateTime(2025, 1, 1)).Sum(b => b.UniqueUsers).Should().Be(0, "nothing of the killed batch, which spans 4 days");
            var again = await store.AppendAsync(CrashBatch.Create("a", 1000));
            again.Duplicates.Should().Be(1000, "every event of the committed batch is still known");
            (await store.AppendAsync(CrashBatch.Create("b", 1000))).Stored.Should().Be(1000, "no id of the killed batch was kept");
        }
        finally
        {
            await ShardedDeployment.ControlAsync("remove", server);
        }
    }

    [StoreFact]
    public async Task Two_writers_on_one_coordinator_lose_nothing_and_store_nothing_twice()
    {
        await using var deployment = await ShardedDeployment.CreateAsync("writers_", partitions: 2);

        // Two stores with pools of their own, as two app processes have; every batch names four bots (some share a
        // shard, so a transaction reads a shard for one bot before it locks the next), and goes through both stores.
        await using var first = deployment.CreateStore();
        await using var second = deployment.CreateStore();
        var bots = Enumerable.Range(0, 4).Select(i => "writer-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var batches = Enumerable.Range(0, 16)
            .Select(b => bots.SelectMany(bot => Generate(new Random(b), Origin.AddHours(b * 6), 40, users: 50, days: 1, bot: bot, idPrefix: "b" + b.ToString(CultureInfo.InvariantCulture))).ToArray())
            .ToArray();
        var results = await Task.WhenAll(batches.SelectMany(batch => new[] { first, second }.Select(store => Task.Run(async () => await store.AppendAsync(batch)))));

        results.Sum(r => r.Stored).Should().Be(batches.Sum(b => b.Length), "every event once");
        results.Sum(r => r.Duplicates).Should().Be(batches.Sum(b => b.Length), "and every repeat as a duplicate");
        foreach (var bot in bots)
        {
            await AssertLikeReferenceAsync(second, batches.SelectMany(b => b).ToList(), Query("2025-03-01", "2025-03-05", bot: bot));
        }
    }

    [StoreFact]
    public async Task The_layout_option_follows_or_insists_on_the_tables_found()
    {
        await using var deployment = await ShardedDeployment.CreateAsync("layout_");
        await using var auto = deployment.CreateStore();
        await auto.AppendAsync([Event("u1", "2025-03-01T10:00:00Z")]);
        await using var single = deployment.CreateStore(PostgreSqlLayout.Single);
        await using var readOnly = deployment.CreateStore(readOnly: true);

        var act = async () => await single.EnsureSchemaAsync();

        (await act.Should().ThrowAsync<EngagementStoreException>()).WithMessage($"PostgreSQL database *: the tables {deployment.Schema}.em_* are sharded (partitioned by hash of bot_id), but Layout is Single; use Layout Auto or Sharded");
        (await new EngagementEngine(readOnly).GetTrendAsync(Query("2025-03-01", "2025-03-01"))).Summary.UniqueUsers.Should().Be(1);
    }

    private static async Task<(string Up, string Down)> BotsOnEachShardAsync(ShardedDeployment deployment, PostgreSqlInteractionStore store)
    {
        string? up = null, down = null;
        for (var i = 0; up is null || down is null; i++)
        {
            i.Should().BeLessThan(64, "64 bots cannot all hash to one of two partitions");
            var bot = "shard-bot-" + i.ToString(CultureInfo.InvariantCulture);
            await store.AppendAsync(Generate(new Random(i), Origin, 30, users: 5, days: 4, bot: bot, idPrefix: "s").ToList());
            if (await deployment.ShardOfAsync(bot) == 0)
            {
                up ??= bot;
            }
            else
            {
                down ??= bot;
            }
        }

        return (up, down);
    }

    private static async Task AssertLikeReferenceAsync(IInteractionStore store, IReadOnlyList<InteractionEvent> events, TrendQuery query)
    {
        var reference = new ReferenceInteractionStore();
        await reference.AppendAsync(events.Where(e => e.BotId == query.BotId).ToList(), AppendMode.Lenient);
        var expected = await new EngagementEngine(reference).GetTrendAsync(query);
        var actual = await new EngagementEngine(store).GetTrendAsync(query);
        actual.Buckets.Should().Equal(expected.Buckets, query.BotId);
        actual.Summary.Should().Be(expected.Summary, query.BotId);
    }

    private static int Remainder(string partition) => int.Parse(partition[(partition.LastIndexOf("_p", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);

    // The bot a remote statement names: postgres_fdw writes the parameter as a literal, ((bot_id = 'plan-a')).
    private static string BotOf(string remoteSql)
    {
        const string Marker = "bot_id = '";
        var start = remoteSql.IndexOf(Marker, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, $"the shard's statement filters on the bot: {remoteSql}");
        start += Marker.Length;
        return remoteSql[start..remoteSql.IndexOf('\'', start)];
    }

    /// <summary>One statement's plan, as auto_explain logged it.</summary>
    private sealed record Plan(string Text, string Operation, string Table, IReadOnlyList<string> Partitions, IReadOnlyList<string> RemoteSql);

    // The plans auto_explain wrote to the log (a "plan:" line, then the JSON, each line indented by a tab) of statements
    // on the schema's tables.
    private static List<Plan> Plans(string log, string schema)
    {
        var plans = new List<Plan>();
        var lines = log.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].EndsWith("plan:", StringComparison.Ordinal))
            {
                continue;
            }

            var json = new System.Text.StringBuilder();
            while (i + 1 < lines.Length && lines[i + 1].StartsWith('\t'))
            {
                json.Append(lines[++i]);
            }

            using var document = JsonDocument.Parse(json.ToString());
            var text = document.RootElement.GetProperty("Query Text").GetString()!;
            if (!text.Contains(schema + ".", StringComparison.Ordinal) || text.Contains("em_schema_version", StringComparison.Ordinal))
            {
                // Not the store's tables, or the schema version: a plain table on the coordinator.
                continue;
            }

            var root = document.RootElement.GetProperty("Plan");
            var partitions = new List<string>();
            var remote = new List<string>();
            var scanned = new List<string>();
            Walk(root, partitions, remote, scanned);
            var operation = root.TryGetProperty("Operation", out var op) && root.GetProperty("Node Type").GetString() == "ModifyTable" ? op.GetString()! : "Select";
            var table = operation == "Select"
                ? scanned.Select(p => p[..p.LastIndexOf("_p", StringComparison.Ordinal)]).Distinct().SingleOrDefault() ?? string.Empty
                : root.GetProperty("Relation Name").GetString()!;
            plans.Add(new Plan(text, operation, table, partitions, remote));
        }

        return plans;

        static void Walk(JsonElement node, List<string> partitions, List<string> remote, List<string> scanned)
        {
            if (node.GetProperty("Node Type").GetString() == "Foreign Scan")
            {
                var name = node.GetProperty("Relation Name").GetString()!;
                partitions.Add(name);
                scanned.Add(name);
                remote.Add(node.GetProperty("Remote SQL").GetString()!);
            }

            if (node.TryGetProperty("Plans", out var children))
            {
                foreach (var child in children.EnumerateArray())
                {
                    Walk(child, partitions, remote, scanned);
                }
            }
        }
    }
}
