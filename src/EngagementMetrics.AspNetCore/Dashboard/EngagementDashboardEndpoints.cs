using System.Reflection;
using System.Text;
using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.AspNetCore.Dashboard;
using EngagementMetrics.Json;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the engagement dashboard: one page of charts over the same engine calls as the HTTP APIs.</summary>
public static class EngagementDashboardEndpoints
{
    // The page may load only its own stylesheet and script and fetch only its own panels: no CDN, no network.
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Maps the dashboard under <paramref name="pattern"/>: the page (<c>{pattern}/</c>), its panels (<c>panels</c>,
    /// what a filter change redraws), a CSV of each chart's data (<c>csv/{chart}</c>) and its stylesheet and script
    /// (<c>assets/</c>, embedded in this assembly).
    /// </summary>
    /// <remarks>
    /// The group carries no authorization of its own: secure it as the host secures its pages, for example
    /// <c>app.MapEngagementDashboard("/dashboard").RequireAuthorization("analytics")</c>. Which bots a user may pick is
    /// <see cref="EngagementDashboardOptions"/>' business.
    /// </remarks>
    /// <param name="app">The app or a route group.</param>
    /// <param name="pattern">Where the dashboard lives, for example <c>/dashboard</c>.</param>
    /// <returns>The dashboard's route group, for authorization and other conventions.</returns>
    public static RouteGroupBuilder MapEngagementDashboard(this IEndpointRouteBuilder app, string pattern = "/dashboard")
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var group = app.MapGroup(pattern);
        group.ExcludeFromDescription();
        group.MapGet("/", PageAsync);
        group.MapGet("/panels", PanelsAsync);
        group.MapGet("/csv/{chart}", CsvAsync);
        group.MapGet("/assets/{name}", Asset);
        return group;
    }

    private static async Task<IResult> PageAsync(HttpContext context, IOptions<EngagementDashboardOptions> options, IInteractionStore store, EngagementEngine engine, TimeProvider clock)
    {
        // Relative links (assets/, csv/, panels) need the page's address to end with a slash.
        if (!context.Request.Path.Value!.EndsWith('/'))
        {
            return Results.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
        }

        var bots = await BotsAsync(context, options.Value).ConfigureAwait(false);
        var (status, request, panels) = await RenderPanelsAsync(context, bots, options.Value, store, engine, clock).ConfigureAwait(false);
        return Html(context, status, DashboardPage.Page(options.Value, bots, request, panels));
    }

    private static async Task<IResult> PanelsAsync(HttpContext context, IOptions<EngagementDashboardOptions> options, IInteractionStore store, EngagementEngine engine, TimeProvider clock)
    {
        var bots = await BotsAsync(context, options.Value).ConfigureAwait(false);
        var (status, _, panels) = await RenderPanelsAsync(context, bots, options.Value, store, engine, clock).ConfigureAwait(false);
        return Html(context, status, panels);
    }

    private static async Task<IResult> CsvAsync(string chart, HttpContext context, IOptions<EngagementDashboardOptions> options, IInteractionStore store, EngagementEngine engine, TimeProvider clock)
    {
        var bots = await BotsAsync(context, options.Value).ConfigureAwait(false);
        if (!DashboardCsv.Charts.Contains(chart))
        {
            return Results.Text($"unknown chart '{chart}': expected {string.Join(", ", DashboardCsv.Charts)}", "text/plain", Encoding.UTF8, StatusCodes.Status404NotFound);
        }

        var (status, data, error) = await LoadAsync(context, bots, options.Value, store, engine, clock).ConfigureAwait(false);
        if (data is null)
        {
            return Results.Text(error, "text/plain", Encoding.UTF8, status);
        }

        var file = $"{data.Request.Query.BotId}-{chart}-{data.Request.Query.StartDate:yyyy-MM-dd}-{data.Request.Query.EndDate:yyyy-MM-dd}.csv";
        context.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = file }.ToString();
        return Results.Text(DashboardCsv.Of(chart, data).ToCsv(), EngagementCsv.ContentType, Encoding.UTF8);
    }

    private static async Task<(int Status, DashboardRequest? Request, string Panels)> RenderPanelsAsync(
        HttpContext context, IReadOnlyList<string> bots, EngagementDashboardOptions options, IInteractionStore store, EngagementEngine engine, TimeProvider clock)
    {
        var (status, data, error) = await LoadAsync(context, bots, options, store, engine, clock).ConfigureAwait(false);
        return data is null ? (status, TryBind(context, bots, options, clock), DashboardPage.Error(error!)) : (status, data.Request, DashboardPage.Panels(data));
    }

    // The page's data, or the status and the one-line message that replace it.
    private static async Task<(int Status, DashboardData? Data, string? Error)> LoadAsync(
        HttpContext context, IReadOnlyList<string> bots, EngagementDashboardOptions options, IInteractionStore store, EngagementEngine engine, TimeProvider clock)
    {
        DashboardRequest request;
        try
        {
            request = DashboardRequest.Bind(context.Request.Query, bots, options, clock);
        }
        catch (EngagementValidationException ex)
        {
            return (StatusCodes.Status400BadRequest, null, ex.Message);
        }

        if (!bots.Contains(request.Query.BotId, StringComparer.Ordinal))
        {
            return (StatusCodes.Status404NotFound, null, $"bot '{request.Query.BotId}' is not one you may read");
        }

        try
        {
            return (StatusCodes.Status200OK, await DashboardData.LoadAsync(request, store, engine, context.RequestAborted).ConfigureAwait(false), null);
        }
        catch (EngagementValidationException ex)
        {
            return (StatusCodes.Status400BadRequest, null, TrendQueryBinder.InWireTerms(ex, request.Query, DashboardRequest.Names).Message);
        }
        catch (BotNotFoundException)
        {
            return (StatusCodes.Status404NotFound, null, $"bot '{request.Query.BotId}' has no events yet");
        }
    }

    private static DashboardRequest? TryBind(HttpContext context, IReadOnlyList<string> bots, EngagementDashboardOptions options, TimeProvider clock)
    {
        try
        {
            return DashboardRequest.Bind(context.Request.Query, bots, options, clock);
        }
        catch (EngagementValidationException)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<string>> BotsAsync(HttpContext context, EngagementDashboardOptions options) =>
        options.BotsForUser is { } lookup ? await lookup(context, context.RequestAborted).ConfigureAwait(false) : options.Bots;

    private static IResult Html(HttpContext context, int status, string html)
    {
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Text(html, "text/html", Encoding.UTF8, status);
    }

    private static IResult Asset(string name, HttpContext context)
    {
        var (resource, type) = name switch
        {
            "dashboard.css" => ("EngagementMetrics.AspNetCore.Dashboard.dashboard.css", "text/css"),
            "dashboard.js" => ("EngagementMetrics.AspNetCore.Dashboard.dashboard.js", "text/javascript"),
            "icon.svg" => ("EngagementMetrics.AspNetCore.Dashboard.icon.svg", "image/svg+xml"),
            _ => (null, null),
        };
        var stream = resource is null ? null : typeof(EngagementDashboardEndpoints).Assembly.GetManifestResourceStream(resource);
        if (stream is null)
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Stream(stream, type + "; charset=utf-8");
    }
}
