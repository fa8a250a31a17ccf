using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// The sample host (samples/EngagementMetrics.SampleHost, the app of docs/aspnetcore.md) as it runs, on its default
/// SQLite store in a temporary directory, configured the documented way: settings under
/// <c>EngagementMetrics:Endpoints</c> and the sample's <c>Sample:Credentials</c>. Tests may replace the clock.
/// </summary>
public sealed class SampleHostFactory(IReadOnlyDictionary<string, string?> settings, TimeProvider? clock = null) : WebApplicationFactory<Program>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("em-host-").FullName;

    public string DatabasePath => Path.Combine(_directory, "engagement.db");

    #region configure-web-host
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Not Development: the sample's appsettings.Development.json holds demo credentials the tests must not inherit.
        builder.UseEnvironment("Test");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("ConnectionStrings:Engagement", $"Data Source={DatabasePath}");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
    #endregion

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
