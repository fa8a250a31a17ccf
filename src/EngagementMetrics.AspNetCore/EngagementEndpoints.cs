using System.Text;
using EngagementMetrics.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the documented EngagementMetrics HTTP APIs onto an ASP.NET Core app.</summary>
/// <remarks>
/// One file per API family: <c>KoreTrendEndpoints.cs</c>, <c>RocketChatEndpoints.cs</c>, <c>StatisticsEndpoints.cs</c>,
/// <c>IngestEndpoints.cs</c>, <c>LifecycleEndpoints.cs</c>. Each family's handlers take their services as parameters, bind their parameters through
/// the protocol layer (EngagementMetrics.Json: parameter names, parsing, error texts and documents) and answer with
/// that family's own error documents.
/// </remarks>
public static partial class EngagementEndpoints
{
    /// <summary>Maps every route group (Kore.ai trends, Rocket.Chat chat busier, statistics, ingest, lifecycle and retention) under <see cref="EngagementEndpointOptions.RoutePrefix"/>.</summary>
    public static IEndpointRouteBuilder MapEngagementMetrics(this IEndpointRouteBuilder app)
    {
        app.MapKoreTrendEndpoints();
        app.MapLifecycleEndpoints();
        app.MapRocketChatEndpoints();
        app.MapStatisticsEndpoints();
        app.MapIngestEndpoints();
        return app;
    }

    // A family's routes under the prefix, open only to an authenticated user of the family's schemes, tagged with the
    // family's name in the OpenAPI document.
    private static RouteGroupBuilder Group(IEndpointRouteBuilder app, ApiFamily family, Func<EngagementEndpointOptions, string> schemes)
    {
        if (app.ServiceProvider.GetService<IAuthenticationSchemeProvider>() is null)
        {
            throw new InvalidOperationException(
                "The EngagementMetrics routes need authentication: call services.AddAuthentication().AddEngagementMetricsSchemes() (the documented header conventions), or register your own schemes and name them in EngagementEndpointOptions.");
        }

        var options = app.ServiceProvider.GetRequiredService<IOptions<EngagementEndpointOptions>>().Value;
        var prefix = options.RoutePrefix;
        var group = app.MapGroup(string.IsNullOrEmpty(prefix) ? string.Empty : "/" + prefix.Trim('/'));
        group.RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = schemes(options) });
        group.WithTags(ApiDescriptions.Tag(family));
        return group;
    }

    private static IResult Json(int status, string json) => Results.Text(json, "application/json", Encoding.UTF8, status);
}
