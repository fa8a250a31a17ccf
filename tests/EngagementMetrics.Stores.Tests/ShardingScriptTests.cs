using EngagementMetrics.PostgreSql;

namespace EngagementMetrics.Stores.Tests;

/// <summary>What <see cref="PostgreSqlShardingScript"/> builds and refuses, without a server.</summary>
public sealed class ShardingScriptTests
{
    private static PostgreSqlShardingOptions Options(int partitions = 0, params string[] shards)
    {
        var options = new PostgreSqlShardingOptions { Schema = "engagement", Partitions = partitions };
        foreach (var shard in shards.Length == 0 ? ["Host=10.0.0.2;Username=em;Database=bots", "Host=10.0.0.3;Port=6432;Username=em;Password=p'w;Database=bots;SSL Mode=Require"] : shards)
        {
            options.Shards.Add(shard);
        }

        return options;
    }

    [Fact]
    public void Partitions_go_to_the_shards_in_turn_each_with_every_table_and_its_keys()
    {
        var script = new PostgreSqlShardingScript(Options(partitions: 5));

        script.Partitions.Should().Be(5);
        Enumerable.Range(0, 5).Select(script.ShardOf).Should().Equal(0, 1, 0, 1, 0);
        script.ServerNames.Should().Equal("em_engagement_shard1", "em_engagement_shard2");
        var first = script.ShardStatements(0);
        first[0].Should().Be("CREATE SCHEMA IF NOT EXISTS engagement");
        first.Where(s => s.StartsWith("CREATE TABLE IF NOT EXISTS engagement.em_history_p", StringComparison.Ordinal)).Select(s => s[..s.IndexOf(' ', 37)]).Should().Equal(
            "CREATE TABLE IF NOT EXISTS engagement.em_history_p0", "CREATE TABLE IF NOT EXISTS engagement.em_history_p2", "CREATE TABLE IF NOT EXISTS engagement.em_history_p4");
        first.Should().Contain("CREATE UNIQUE INDEX IF NOT EXISTS em_users_p2_ordinal ON engagement.em_users_p2 (bot_id, ordinal)");
        first.Should().Contain("ALTER TABLE engagement.em_activity_p4 ALTER COLUMN core SET STORAGE EXTERNAL, ALTER COLUMN dims SET STORAGE EXTERNAL");
        first.Should().Contain(s => s.StartsWith("CREATE TABLE IF NOT EXISTS engagement.em_event_ids_p0 (", StringComparison.Ordinal) && s.EndsWith("PRIMARY KEY (bot_id, event_id))", StringComparison.Ordinal));
        script.ShardStatements(1).Count(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal)).Should().Be(2 * 9, "partitions 1 and 3, nine tables each");
    }

    [Fact]
    public void The_coordinator_gets_the_servers_the_mappings_and_partitioned_tables_without_keys()
    {
        var script = new PostgreSqlShardingScript(Options(partitions: 2));

        var statements = script.CoordinatorStatements();

        statements[0].Should().Be("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
        statements.Should().Contain("CREATE SERVER em_engagement_shard2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '10.0.0.3', port '6432', dbname 'bots', sslmode 'require', batch_size '1000', fetch_size '1000', async_capable 'true')");
        statements.Should().Contain("CREATE USER MAPPING FOR CURRENT_USER SERVER em_engagement_shard2 OPTIONS (user 'em', password 'p''w')", "a quote in a value is doubled");
        script.CoordinatorStatements(passwordsAsPsqlVariables: true).Should().Contain("CREATE USER MAPPING FOR CURRENT_USER SERVER em_engagement_shard2 OPTIONS (user 'em', password :'shard2_password')");
        statements.Should().Contain("CREATE TABLE engagement.em_users (bot_id text NOT NULL, user_id text NOT NULL, ordinal integer NOT NULL, first_seen bigint NOT NULL) PARTITION BY HASH (bot_id)");
        statements.Should().Contain("CREATE FOREIGN TABLE engagement.em_users_p1 PARTITION OF engagement.em_users FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER em_engagement_shard2 OPTIONS (schema_name 'engagement', table_name 'em_users_p1')");
        statements.Should().Contain(s => s.StartsWith("INSERT INTO engagement.em_schema_version (version, applied_utc) VALUES (3, ", StringComparison.Ordinal));
        statements.Should().NotContain(s => s.Contains("PRIMARY KEY", StringComparison.Ordinal) || s.Contains("UNIQUE", StringComparison.Ordinal), "a partitioned table with foreign partitions cannot have an index");
        script.ToSql().Should().NotContain("p'w").And.NotContain("p''w");
    }

    [Theory]
    [InlineData(1, "Partitions", "1", "Partitions 1 is out of range: at least one per shard (2) and at most 1024 (0: one per shard)")]
    [InlineData(1025, "Partitions", "1025", "Partitions 1025 is out of range: at least one per shard (2) and at most 1024 (0: one per shard)")]
    public void Partitions_out_of_range_are_refused(int partitions, string name, string value, string message)
    {
        var act = () => new PostgreSqlShardingScript(Options(partitions));

        act.Should().Throw<EngagementValidationException>().Which.Should().Match<EngagementValidationException>(e => e.ParameterName == name && e.Value == value && e.Message == message);
    }

    [Fact]
    public void Every_other_bad_option_is_one_line_naming_it()
    {
        static EngagementValidationException Refused(PostgreSqlShardingOptions options) =>
            ((Action)(() => _ = new PostgreSqlShardingScript(options))).Should().Throw<EngagementValidationException>().Which;

        Refused(new PostgreSqlShardingOptions()).Message.Should().Be("Shards is empty: give at least one shard server's connection string");
        Refused(Options(0, "Host=a;Username=em", "Host=b")).Message.Should().Be("Shards[1] 'b:5432/' names no Username: the coordinator's user mapping needs one");
        Refused(Options(0, "Host=a,b;Username=em")).ParameterName.Should().Be("Shards[0]");
        Refused(Options(0, "Host=a;Nonsense=1")).Message.Should().StartWith("Shards[0] is not a valid connection string: ");
        var batch = Options();
        batch.BatchSize = 0;
        Refused(batch).Message.Should().Be("BatchSize 0 is out of range: 1 to 10,000");
        var fetch = Options();
        fetch.FetchSize = 100_001;
        Refused(fetch).ParameterName.Should().Be("FetchSize");
        var schema = Options();
        schema.Schema = "Bad-Schema";
        Refused(schema).ParameterName.Should().Be("Schema");
        var prefix = Options(partitions: 1000);
        prefix.TablePrefix = new string('p', 40);
        Refused(prefix).Message.Should().StartWith($"TablePrefix '{prefix.TablePrefix}' is too long for 1000 partitions");
        var server = Options();
        server.Schema = new string('s', 40);
        server.TablePrefix = "prefix_of_twenty_ch_";
        Refused(server).Message.Should().Contain("longer than PostgreSQL's 63 characters");
    }

    [Fact]
    public void A_layout_that_is_not_one_of_the_three_is_refused_when_the_store_is_built()
    {
        var act = () => new PostgreSqlInteractionStore(new PostgreSqlStoreOptions { ConnectionString = "Host=localhost", Layout = (PostgreSqlLayout)7 });

        act.Should().Throw<EngagementValidationException>().Which.Should().Match<EngagementValidationException>(e => e.ParameterName == "Layout" && e.Message == "Layout '7' is not one of Auto, Single, Sharded");
    }
}
