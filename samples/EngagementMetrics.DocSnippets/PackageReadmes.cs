using EngagementMetrics.AspNetCore;
using Microsoft.AspNetCore.Builder;

namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of the packages' own READMEs (src/*/README.md, packed into each package).</summary>
internal static class PackageReadmes
{
    public static IInteractionStore InMemory()
    {
        #region in-memory
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UseInMemoryStore();
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IInteractionStore>();    // append events; EngagementEngine answers queries
        #endregion
        return store;
    }

    public static IInteractionStore Sqlite()
    {
        #region sqlite
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UseSqlite("Data Source=engagement.db");   // created and migrated on first use
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IInteractionStore>();
        #endregion
        return store;
    }

    public static IInteractionStore PostgreSql()
    {
        #region postgresql
        var services = new ServiceCollection();
        services.AddEngagementMetrics().UsePostgreSql("Host=localhost;Username=app;Password=secret;Database=bots");
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<IInteractionStore>();
        #endregion
        return store;
    }

    public static string Json(EngagementTrend trend)
    {
        #region json
        string v2 = KoreTrendJson.SerializeV2(trend);                    // the Kore.ai v2 document, indented
        string v1 = KoreTrendJson.SerializeV1(trend, indented: false);   // v1, minified as the API sends it
        #endregion
        return v2 + v1;
    }

    public static void AspNetCore(string[] args)
    {
        #region aspnetcore
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddEngagementMetrics().UseSqlite("Data Source=engagement.db");
        builder.Services.AddAuthentication().AddEngagementMetricsSchemes();   // Kore.ai JWT, Rocket.Chat, Xenioo, ingest key
        builder.Services.Configure<EngagementEndpointOptions>(builder.Configuration.GetSection("EngagementMetrics:Endpoints"));

        var app = builder.Build();
        app.MapEngagementMetrics();
        app.Run();
        #endregion
    }
}
