using EngagementMetrics.AspNetCore;
using EngagementMetrics.SampleHost;
using EngagementMetrics.Statistics;

// The host app of docs/aspnetcore.md. Everything below is what a bot backend adds to its own Program.cs.
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddEngagementMetrics()
    .UseSqlite(builder.Configuration.GetConnectionString("Engagement") ?? "Data Source=engagement.db");
builder.Services.AddHealthChecks();   // runs the store's check (engagement-store), added by UseSqlite
builder.Services.AddAuthentication().AddEngagementMetricsSchemes();   // the documented header conventions (opt-in)
builder.Services.Configure<EngagementEndpointOptions>(builder.Configuration.GetSection("EngagementMetrics:Endpoints"));
builder.Services.Configure<StatisticsThrottleOptions>(builder.Configuration.GetSection("EngagementMetrics:Endpoints:Throttle"));
builder.Services.AddEngagementMetricsOpenApi();   // their OpenAPI document, /openapi/v1.json (.NET 10)

// Rocket.Chat users and Xenioo tokens are the host's own business: here a small configuration-backed directory
// stands in for your user store. Replace ConfiguredCredentials with a lookup in your database.
builder.Services.Configure<ConfiguredCredentials>(builder.Configuration.GetSection("Sample:Credentials"));
builder.Services.AddOptions<EngagementEndpointOptions>()
    .Configure<Microsoft.Extensions.Options.IOptions<ConfiguredCredentials>>((o, credentials) =>
    {
        o.RocketChatAuthenticator = credentials.Value.FindRocketChatUserAsync;
        o.StatisticsAuthenticator = credentials.Value.FindStatisticsCallerAsync;
    });

var app = builder.Build();
app.MapHealthChecks("/healthz");   // 200 Healthy, or 503 Unhealthy when the store cannot be used
app.MapOpenApi();   // GET /openapi/v1.json
app.MapEngagementMetrics();   // or MapKoreTrendEndpoints(), MapRocketChatEndpoints(), MapStatisticsEndpoints(), MapIngestEndpoints(), MapLifecycleEndpoints()
app.Run();
