using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using EngagementMetrics.Conformance;
using EngagementMetrics.Tests.Sharding;
using Npgsql;

namespace EngagementMetrics.Cli.Tests;

/// <summary>
/// <c>engagement migrate --shards</c> and the commands on a sharded store, through the coordinator of the servers .ci/run
/// starts: the documented examples come back byte for byte, a stopped shard is one line naming it, and two
/// <c>engagement serve</c> processes on one store answer alike and store every event once.
/// </summary>
[RequiresEnvironmentVariable(ShardedDeployment.CoordinatorVariable, Hint = ShardedDeployment.Hint)]
public sealed class ShardedCommandTests
{
    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "TestData", name);

    private static string Data(string name) => File.ReadAllText(DataPath(name)).ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    [StoreFact]
    public async Task Migrate_creates_the_sharded_store_and_the_documented_examples_come_back_through_the_coordinator()
    {
        var schema = ShardedDeployment.NewSchema("cli_");
        await using var deployment = ShardedDeployment.Existing(schema);
        var store = "postgres:" + deployment.StoreConnectionString;

        var migrate = await RunAsync(["migrate", "--store", store, "--shards", .. ShardedDeployment.Shards.Select(s => "postgres:" + s), "--partitions", "4"]);
        var again = await RunAsync(["migrate", "--store", store, "--shards", .. ShardedDeployment.Shards.Select(s => "postgres:" + s)]);

        migrate.Err.Should().BeEmpty();
        migrate.Exit.Should().Be(0);
        var coordinator = new NpgsqlConnectionStringBuilder(ShardedDeployment.Coordinator);
        var shards = ShardedDeployment.Shards.Select(s => new NpgsqlConnectionStringBuilder(s)).ToList();
        migrate.Out.Should().Be(
            $"created the sharded store on PostgreSQL database 127.0.0.1:{coordinator.Port}/postgres (schema {schema}): 4 partitions of every table on 2 shard servers\n" +
            $"  PostgreSQL database 127.0.0.1:{shards[0].Port}/postgres: partitions 0, 2 (foreign server em_{schema}_shard1)\n" +
            $"  PostgreSQL database 127.0.0.1:{shards[1].Port}/postgres: partitions 1, 3 (foreign server em_{schema}_shard2)\n");
        again.Exit.Should().Be(1);
        again.Err.Should().Be($"error: PostgreSQL database 127.0.0.1:{coordinator.Port}/postgres (coordinator) already holds the tables {schema}.em_*; nothing was changed (drop them, or choose another schema or prefix)\n");

        foreach (var events in new[] { "kore-v2-events.jsonl", "rocketchat-events.jsonl", "statistics-rows-events.jsonl" })
        {
            var ingest = await RunAsync(["ingest", "--store", store, "--events", DataPath(events)]);
            ingest.Exit.Should().Be(0, ingest.Err);
        }

        string[] trend = ["trend", "--store", store, "--bot", "st-demo", "--start-date", "2025-12-01", "--end-date", "2025-12-05", "--time-zone", "Asia/Kolkata"];
        (await RunAsync([.. trend, "--aggregation-type", "daily"])).Out.Should().Be(Data("kore-v2-daily.json"));
        (await RunAsync(trend)).Out.Should().Be(Data("kore-v2-hourly.json"));
        (await RunAsync("busier-hourly", "--store", store, "--bot", "rc-demo", "--start", "2023-05-19T00:00:00.000Z", "--time-zone", "utc")).Out.Should().Be(Data("rocketchat-hourly.json"));
        (await RunAsync("busier-weekly", "--store", store, "--bot", "rc-weekly", "--start", "2023-05-19T00:00:00.000Z", "--time-zone", "utc")).Out.Should().Be(Data("rocketchat-weekly.json"));
        var rows = await RunAsync("stats", "--store", store, "--account", "acme", "--bot", "*", "--types", "0,1,2,3,8,10", "--days", "2", "--now", "2025-12-07T12:00:00Z", "--format", "rows");
        rows.Exit.Should().Be(0, rows.Err);
        ServeEndToEndTests.MinifiedJson(rows.Out).Should().Be(ServeEndToEndTests.MinifiedJson(Data("statistics-rows.json")));
    }

    [Fact]
    public async Task Print_sql_prints_each_server_s_part_with_passwords_as_psql_variables()
    {
        var result = await RunAsync(
            "migrate", "--store", "postgres:Host=coordinator;Username=app;Password=coord-secret;Database=bots;Search Path=engagement",
            "--shards", "postgres:Host=10.0.0.2;Username=em;Password=s3cr'et;Database=bots", "Host=10.0.0.3;Port=6432;Username=em;Database=bots", "--partitions", "4", "--print-sql");

        result.Err.Should().BeEmpty();
        result.Exit.Should().Be(0);
        result.Out.Should().StartWith("-- EngagementMetrics: the PostgreSQL store sharded by bot (schema version 3), tables engagement.em_*,\n-- 4 hash partitions of bot_id on 2 shard server(s)");
        result.Out.Should().NotContain("s3cr").And.NotContain("coord-secret");
        result.Out.Should().Contain("\n-- Shard 1: 10.0.0.2:5432/bots\nBEGIN;\nCREATE SCHEMA IF NOT EXISTS engagement;\nCREATE TABLE IF NOT EXISTS engagement.em_bots_p0 (");
        result.Out.Should().Contain("CREATE TABLE IF NOT EXISTS engagement.em_history_p2 (").And.Contain("CREATE TABLE IF NOT EXISTS engagement.em_history_p3 (");
        result.Out.Should().Contain("CREATE SERVER em_engagement_shard2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '10.0.0.3', port '6432', dbname 'bots', batch_size '1000', fetch_size '1000', async_capable 'true');");
        result.Out.Should().Contain("CREATE USER MAPPING FOR CURRENT_USER SERVER em_engagement_shard1 OPTIONS (user 'em', password :'shard1_password');");
        result.Out.Should().Contain("CREATE USER MAPPING FOR CURRENT_USER SERVER em_engagement_shard2 OPTIONS (user 'em');");
        result.Out.Should().Contain("CREATE TABLE engagement.em_event_ids (bot_id text NOT NULL, event_id text NOT NULL) PARTITION BY HASH (bot_id);");
        result.Out.Should().Contain("CREATE FOREIGN TABLE engagement.em_event_ids_p3 PARTITION OF engagement.em_event_ids FOR VALUES WITH (MODULUS 4, REMAINDER 3) SERVER em_engagement_shard2 OPTIONS (schema_name 'engagement', table_name 'em_event_ids_p3');");
        result.Out.Should().EndWith("COMMIT;\n");
    }

    [Theory]
    [InlineData("--partitions", "1", "error: invalid --partitions '1': Partitions 1 is out of range: at least one per shard (2) and at most 1024 (0: one per shard)")]
    [InlineData("--fdw-batch-size", "0", "error: invalid --fdw-batch-size '0': BatchSize 0 is out of range: 1 to 10,000")]
    [InlineData("--fdw-fetch-size", "200000", "error: invalid --fdw-fetch-size '200000': FetchSize 200000 is out of range: 1 to 100,000")]
    [InlineData("--shards", "postgres:Host=10.0.0.2;Database=bots", "error: invalid --shards '10.0.0.2:5432/bots': Shards[1] '10.0.0.2:5432/bots' names no Username: the coordinator's user mapping needs one")]
    [InlineData("--shards", "postgres:Host=a,b;Username=em", "error: invalid --shards 'a,b:5432/': Shards[1] 'a,b:5432/' must name exactly one host, e.g. 'Host=10.0.0.2;Username=em;Database=bots'")]
    [InlineData("--store", "sqlite:x.db", "error: invalid --store 'sqlite:x.db': --shards needs a PostgreSQL coordinator, postgres:CONNECTION_STRING")]
    public async Task Bad_migrate_options_are_one_line_naming_the_option_and_change_nothing(string option, string value, string message)
    {
        List<string> args = ["migrate", "--store", "postgres:Host=127.0.0.1;Port=1;Username=x;Database=y", "--shards", "postgres:Host=10.0.0.1;Username=em;Database=bots", "Host=10.0.0.9;Username=em;Database=bots", "--print-sql"];
        switch (option)
        {
            case "--store":
                args[2] = value;
                break;
            case "--shards":
                args[5] = value;
                break;
            default:
                args.AddRange([option, value]);
                break;
        }

        var result = await RunAsync([.. args]);

        result.Exit.Should().Be(2);
        result.Out.Should().BeEmpty();
        result.Err.Should().Be(message + "\n");
    }

    [Fact]
    public async Task Print_sql_without_shards_is_bad_input()
    {
        var result = await RunAsync("migrate", "--store", "sqlite:x.db", "--print-sql");

        result.Exit.Should().Be(2);
        result.Err.Should().Be("error: --print-sql prints the SQL of a sharded store: give the shard servers with --shards\n");
    }

    [StoreFact]
    public async Task A_stopped_shard_is_one_line_naming_it_for_its_bots_and_the_others_answer()
    {
        var server = "cli-stop-" + Guid.NewGuid().ToString("N")[..8];
        var spare = await ShardedDeployment.ControlAsync("new", server);
        try
        {
            await using var deployment = await ShardedDeployment.CreateAsync("clistop_", shards: [ShardedDeployment.Shards[0], spare]);
            var store = "postgres:" + deployment.StoreConnectionString;
            var events = Path.Combine(Directory.CreateTempSubdirectory("em-shard-").FullName, "events.jsonl");
            await File.WriteAllLinesAsync(events, Enumerable.Range(0, 40).Select(i =>
                $$"""{"eventId":"e{{i}}","botId":"bot-{{i % 8}}","userId":"u{{i}}","timestamp":"2025-12-0{{1 + (i % 5)}}T10:00:00Z","kind":"message_in"}"""));
            (await RunAsync("ingest", "--store", store, "--events", events)).Exit.Should().Be(0);
            var shardOf = new Dictionary<string, int>();
            foreach (var bot in Enumerable.Range(0, 8).Select(i => "bot-" + i.ToString(CultureInfo.InvariantCulture)))
            {
                shardOf[bot] = await deployment.ShardOfAsync(bot);
            }

            var up = shardOf.First(p => p.Value == 0).Key;
            var down = shardOf.First(p => p.Value == 1).Key;
            string[] Trend(string bot) => ["trend", "--store", store, "--bot", bot, "--start-date", "2025-12-01", "--end-date", "2025-12-05"];

            await ShardedDeployment.ControlAsync("stop", server);
            var failed = await RunAsync(Trend(down));
            var answered = await RunAsync(Trend(up));

            failed.Exit.Should().Be(1);
            failed.Out.Should().BeEmpty();
            failed.Err.Should().MatchRegex($"^error: PostgreSQL database 127\\.0\\.0\\.1:\\d+/postgres: its shard server {deployment.Script.ServerNames[1]} \\(127\\.0\\.0\\.1:{new NpgsqlConnectionStringBuilder(spare).Port}/postgres\\) cannot be used, so the bots it holds cannot be read or written until it is back: [^\\n]+\\n$");
            failed.Err.Should().NotContain("   at ", "no stack trace");
            answered.Exit.Should().Be(0, answered.Err);
            answered.Out.Should().Contain("\"uniqueUsers\": 5");
        }
        finally
        {
            await ShardedDeployment.ControlAsync("remove", server);
        }
    }

    [StoreFact]
    public async Task Two_serve_processes_on_one_sharded_store_answer_alike_and_store_every_event_once()
    {
        await using var deployment = await ShardedDeployment.CreateAsync("serve_", partitions: 4);
        var directory = Directory.CreateTempSubdirectory("em-serve2-").FullName;
        string[] bots = ["serve-a", "serve-b", "serve-c"];

        // 24 bodies of 1,000 events of three bots (ids unique), each posted to both servers by four concurrent clients.
        var bodies = Enumerable.Range(0, 24).Select(b => string.Concat(Enumerable.Range(0, 1000).Select(i =>
        {
            var n = (b * 1000) + i;
            var at = new DateTime(2025, 12, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(n * 17L % (5 * 86400));
            return $$"""{"eventId":"e{{n}}","botId":"{{bots[n % 3]}}","userId":"u{{n % 331}}","conversationId":"c{{n / 4}}","timestamp":"{{at:yyyy-MM-ddTHH:mm:ssZ}}","kind":"{{(n % 4 == 3 ? "message_out" : "message_in")}}"}""" + "\n";
        }))).ToList();
        var file = Path.Combine(directory, "events.jsonl");
        await File.WriteAllTextAsync(file, string.Concat(bodies));

        var settings = new Dictionary<string, string>
        {
            ["KoreApps__0__AppId"] = "e2e",
            ["KoreApps__0__ClientSecret"] = ServeEndToEndTests.Secret,
            ["KoreApps__0__Bots__0"] = "*",
            ["IngestApiKeys__0"] = "e2e-ingest",
        };
        var store = "postgres:" + deployment.StoreConnectionString;
        await using var first = await ServeProcess.StartAsync(directory, settings, "--store", store);
        await using var second = await ServeProcess.StartAsync(directory, settings, "--store", store);
        ServeProcess[] servers = [first, second];

        var posts = Enumerable.Range(0, bodies.Count * 2).Select(p => (Server: servers[p % 2], Body: bodies[p / 2])).ToList();
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
        {
            var mine = new List<(int Stored, int Duplicates)>();
            for (var p = client; p < posts.Count; p += 4)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/engagement/events") { Content = new StringContent(posts[p].Body, Encoding.UTF8, "application/x-ndjson") };
                request.Headers.Add("X-Api-Key", "e2e-ingest");
                using var response = await posts[p].Server.Http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                response.StatusCode.Should().Be(HttpStatusCode.OK, body);
                using var json = JsonDocument.Parse(body);
                mine.Add((json.RootElement.GetProperty("stored").GetInt32(), json.RootElement.GetProperty("duplicates").GetInt32()));
            }

            return mine;
        })));

        answers.SelectMany(a => a).Sum(a => a.Stored).Should().Be(24_000, "every event stored once");
        answers.SelectMany(a => a).Sum(a => a.Duplicates).Should().Be(24_000, "and counted a duplicate the other time");
        foreach (var bot in bots)
        {
            var expected = await RunAsync("trend", "--events", file, "--bot", bot, "--start-date", "2025-12-01", "--end-date", "2025-12-05", "--time-zone", "UTC");
            expected.Exit.Should().Be(0, expected.Err);
            foreach (var server in servers)
            {
                using var trend = new HttpRequestMessage(HttpMethod.Post, $"/api/public/bot/{bot}/v2/userEngagementTrend?aggregation_type=hourly&start_date=2025-12-01&end_date=2025-12-05&timeZoneOffset=UTC");
                trend.Headers.Add("auth", ServeEndToEndTests.Jwt());
                using var response = await server.Http.SendAsync(trend);
                (await response.Content.ReadAsStringAsync()).Should().Be(ServeEndToEndTests.MinifiedJson(expected.Out), $"{bot} from both servers, as from the events file");
            }
        }

        foreach (var server in servers)
        {
            await server.SignalAsync("TERM");
            (await server.WaitForExitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("SIGTERM stops serve");
            server.ExitCode.Should().Be(0, server.StandardError);
        }

        Directory.Delete(directory, recursive: true);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = await EngagementCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
