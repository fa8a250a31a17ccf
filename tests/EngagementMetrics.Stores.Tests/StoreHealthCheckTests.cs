using System.Net;
using System.Net.Sockets;
using EngagementMetrics.InMemory;
using EngagementMetrics.PostgreSql;
using EngagementMetrics.Sqlite;
using EngagementMetrics.Stores.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using static EngagementMetrics.Conformance.TestEvents;

namespace EngagementMetrics.Stores.Tests;

/// <summary>Each store's health check makes a real round trip and says in one line what it found.</summary>
public sealed class SqliteStoreHealthCheckTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-health-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_usable_file_is_healthy_and_named_with_its_schema_version()
    {
        var file = Path.Combine(_directory, "ok.db");
        var store = new SqliteInteractionStore($"Data Source={file}");
        await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);

        var result = await new SqliteStoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        result.Status.Should().Be(HealthStatus.Healthy);
        result.Description.Should().Be($"SQLite file '{file}': schema version 3");
        result.Data["store"].Should().Be($"SQLite file '{file}'");
    }

    [Fact]
    public async Task A_file_deleted_under_a_running_store_is_unhealthy_though_pooled_connections_still_read_it()
    {
        var file = Path.Combine(_directory, "gone.db");
        var store = new SqliteInteractionStore($"Data Source={file}");
        await store.AppendAsync([Event("u1", "2025-01-01T10:00:00Z")]);
        var check = new SqliteStoreHealthCheck(store);
        (await check.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Healthy);

        File.Delete(file);

        var result = await check.CheckHealthAsync(new HealthCheckContext());
        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Be($"SQLite file '{file}' does not exist (deleted since the store opened it?)");
        result.Exception.Should().BeNull("an expected condition is a line, not a stack trace in the log");
        File.Exists(file).Should().BeFalse("the probe creates nothing");
    }

    [Fact]
    public async Task A_path_that_is_not_a_database_is_unhealthy_with_the_reason()
    {
        var file = Path.Combine(_directory, "text.db");
        await File.WriteAllTextAsync(file, "this is a text file, not a SQLite database, and long enough to hold a header.......................");

        var result = await new SqliteStoreHealthCheck(new SqliteInteractionStore($"Data Source={file}")).CheckHealthAsync(new HealthCheckContext());

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Be($"SQLite file '{file}' is not a database");
    }

    [Fact]
    public async Task Each_Use_registers_one_store_check_and_the_last_store_chosen_is_the_one_checked()
    {
        // The host asks for health (AddHealthChecks, which needs logging); the store's Use... adds its check.
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks();
        services.AddEngagementMetrics().UseSqlite($"Data Source={Path.Combine(_directory, "di.db")}");
        await using (var provider = services.BuildServiceProvider())
        {
            var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            report.Entries.Should().ContainSingle().Which.Key.Should().Be("engagement-store");
            report.Entries["engagement-store"].Description.Should().EndWith("di.db': schema version 3");
            report.Entries["engagement-store"].Tags.Should().BeEquivalentTo("engagement", "store");
        }

        services.AddEngagementMetrics().UseInMemoryStore();
        await using (var provider = services.BuildServiceProvider())
        {
            var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            report.Entries.Should().ContainSingle().Which.Value.Description.Should().Be("in-memory store");
            report.Status.Should().Be(HealthStatus.Healthy);
        }
    }
}

/// <summary>The PostgreSQL store's check: a round trip to a real server, and a stopped one.</summary>
public sealed class PostgreSqlStoreHealthCheckTests
{
    [Fact]
    public async Task A_server_that_is_not_running_is_unhealthy_and_named_without_a_password()
    {
        var port = ClosedPort();
        await using var store = new PostgreSqlInteractionStore(new PostgreSqlStoreOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={port};Username=em;Password=secret-password;Database=bots;Timeout=3",
        });

        var result = await new PostgreSqlStoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().StartWith($"PostgreSQL database 127.0.0.1:{port}/bots cannot be reached").And.NotContain("secret-password");
        result.Description.Should().NotContain("\n");
    }

    // A loopback port nothing listens on: taken, then released.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The PostgreSQL store's check against the test server.</summary>
[RequiresPostgres]
public sealed class PostgreSqlStoreHealthCheckServerTests : IAsyncLifetime
{
    private readonly ThrowAwaySchemas _schemas = new("health_");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schemas.DropAllAsync();

    [StoreFact]
    public async Task A_reachable_server_is_healthy_with_the_schema_version()
    {
        var store = _schemas.Create();

        var result = await new PostgreSqlStoreHealthCheck(store).CheckHealthAsync(new HealthCheckContext());

        result.Status.Should().Be(HealthStatus.Healthy, result.Description);
        result.Description.Should().StartWith("PostgreSQL database").And.EndWith(": schema version 3");
    }
}

/// <summary>What a SQL store logs: the schema it creates, finds or refuses.</summary>
public sealed class SqlStoreLoggingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-log-").FullName;
    private readonly List<(LogLevel Level, string Category, string Message)> _entries = [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task The_schema_created_found_or_refused_is_logged_once_each()
    {
        using var logs = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new Provider(_entries)));
        var file = Path.Combine(_directory, "logged.db");

        await new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}" }, logs).EnsureSchemaAsync();
        await new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}" }, logs).EnsureSchemaAsync();
        await using (var connection = new SqliteConnection($"Data Source={file}"))
        {
            await connection.OpenAsync();
            await using var bump = new SqliteCommand("INSERT INTO em_schema_version (version, applied_utc) VALUES (9, 'future')", connection);
            await bump.ExecuteNonQueryAsync();
        }

        var newer = async () => await new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}" }, logs).EnsureSchemaAsync();
        await newer.Should().ThrowAsync<EngagementStoreException>();

        _entries.Select(e => e.Category).Should().AllBe(typeof(SqliteInteractionStore).FullName!);
        _entries.Select(e => e.Level).Should().Equal(LogLevel.Information, LogLevel.Debug, LogLevel.Error);
        _entries[0].Message.Should().Be($"SQLite file '{file}': created the tables em_* at schema version 3");
        _entries[1].Message.Should().Be($"SQLite file '{file}': tables at schema version 3");
        _entries[2].Message.Should().StartWith($"SQLite file '{file}': the tables em_* are at schema version 9, newer than version 3");
    }

    [Fact]
    public async Task A_version_2_database_is_read_as_it_is_and_migrated_to_version_3_on_a_writable_open()
    {
        using var logs = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(new Provider(_entries)));
        var file = Path.Combine(_directory, "v2.db");
        await new SqliteInteractionStore($"Data Source={file}").AppendAsync([Event("u1", "2025-01-01T10:00:00Z"), Event("u2", "2025-01-02T10:00:00Z")]);
        await ExecuteAsync(file, "DELETE FROM em_schema_version; INSERT INTO em_schema_version (version, applied_utc) VALUES (2, 'before')");

        await using (var reader = await new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}", ReadOnly = true }).OpenSnapshotAsync(Bot))
        {
            reader!.UserCount.Should().Be(2, "a read-only store reads a version 2 database as it is");
        }

        (await ScalarAsync(file, "SELECT MAX(version) FROM em_schema_version")).Should().Be(2L, "a read-only store changes nothing");
        var writable = new SqliteInteractionStore(new SqliteStoreOptions { ConnectionString = $"Data Source={file}" }, logs);
        await writable.AppendAsync([Event("u3", "2025-01-03T10:00:00Z")]);

        (await ScalarAsync(file, "SELECT MAX(version) FROM em_schema_version")).Should().Be(3L);
        _entries.Should().ContainSingle(e => e.Level == LogLevel.Information).Which.Message.Should().StartWith($"SQLite file '{file}': migrated the tables from schema version 2 to 3");
        await using var snapshot = (await writable.OpenSnapshotAsync(Bot))!;
        snapshot.UserCount.Should().Be(3);
    }

    private static async Task ExecuteAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync();
        await using var command = new SqliteCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private sealed class Provider(List<(LogLevel, string, string)> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(entries, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(List<(LogLevel, string, string)> entries, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Add((logLevel, category, formatter(state, exception)));
        }
    }
}
