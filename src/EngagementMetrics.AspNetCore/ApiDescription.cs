using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EngagementMetrics.AspNetCore;

/// <summary>
/// The API families: each has its own tag, error documents and authentication convention (lifecycle and retention,
/// this package's own, use the Kore.ai ones).
/// </summary>
internal enum ApiFamily
{
    Kore,
    RocketChat,
    Statistics,
    Ingest,
    Lifecycle,
}

/// <summary>Where a parameter is read.</summary>
internal enum ApiParameterPlace
{
    Path,
    Query,
}

/// <summary>The body a route reads itself (so no handler parameter shows it).</summary>
internal enum ApiBody
{
    None,

    /// <summary>Kore.ai: optional <c>{"filters":{...}}</c> with the query parameters' names.</summary>
    KoreFilters,

    /// <summary>Ingest: a JSON array of events or JSON Lines.</summary>
    Events,
}

/// <summary>
/// One parameter as the documented API names it, with its allowed values. The handlers read most of them from the
/// query string themselves, so only this metadata (not the handler's signature) can tell a document about them.
/// </summary>
/// <param name="Name">The wire name (<c>start_date</c>, <c>timeZone</c>, ...).</param>
/// <param name="In">Path or query.</param>
/// <param name="Description">What it means, its default and how it is matched.</param>
internal sealed record ApiParameter(string Name, ApiParameterPlace In, string Description)
{
    public bool Required { get; init; }

    /// <summary>The allowed values, as the seeds spell them (matched as <see cref="Description"/> says).</summary>
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>A JSON Schema format: <c>date</c>, <c>date-time</c>.</summary>
    public string? Format { get; init; }

    /// <summary>A regular expression the value matches.</summary>
    public string? Pattern { get; init; }

    /// <summary>An integer in this range (inclusive) rather than a string.</summary>
    public (int Minimum, int Maximum)? IntegerRange { get; init; }

    public string? Default { get; init; }

    public string? Example { get; init; }
}

/// <summary>
/// Endpoint metadata of every route of the package: its family, the parameters it reads and the body it takes. The
/// OpenAPI transformers (net10.0) turn it into parameters, request bodies and security requirements.
/// </summary>
internal sealed record ApiOperation(ApiFamily Family, IReadOnlyList<ApiParameter> Parameters, ApiBody Body = ApiBody.None);

/// <summary>What a status code of a route means (the document's response description).</summary>
internal sealed record ApiResponseMeaning(int StatusCode, string Description);

/// <summary>What a query route's 200 answer holds as CSV (<c>Accept: text/csv</c>): which rows, under which header.</summary>
internal sealed record ApiCsvAnswer(string Description);

internal static class ApiDescriptions
{
    /// <summary>The OpenAPI tag of each family.</summary>
    public static string Tag(ApiFamily family) => family switch
    {
        ApiFamily.Kore => "Kore.ai",
        ApiFamily.RocketChat => "Rocket.Chat",
        ApiFamily.Statistics => "Statistics",
        ApiFamily.Lifecycle => "Lifecycle and retention",
        _ => "Ingest",
    };

    /// <summary>
    /// Declares a response: its document type (the framework's response metadata, read by any OpenAPI generator on
    /// both targets) and what the status means. Several types for one status are alternatives (oneOf).
    /// </summary>
    public static RouteHandlerBuilder Answers<TDocument>(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.Produces<TDocument>(statusCode, "application/json").WithMetadata(new ApiResponseMeaning(statusCode, description));

    /// <summary>
    /// Declares that the route's 200 answer is also had as RFC 4180 CSV, when the request's <c>Accept</c> names
    /// <c>text/csv</c> (<see cref="QueryAnswer"/>): the framework's response metadata (the media type) and what the rows
    /// and header are.
    /// </summary>
    public static RouteHandlerBuilder AnswersCsv(this RouteHandlerBuilder builder, string description) =>
        builder.Produces(StatusCodes.Status200OK, typeof(string), EngagementMetrics.Json.EngagementCsv.MediaType).WithMetadata(new ApiCsvAnswer(description));

    /// <summary>Names, describes and annotates a route of <paramref name="operation"/>'s family.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string operationId, string summary, string description, ApiOperation operation) =>
        builder.WithName(operationId).WithSummary(summary).WithDescription(description).WithMetadata(operation);

    /// <summary>The time-zone parameter the Kore.ai v2, Rocket.Chat and statistics routes share (see docs/time-zones.md).</summary>
    public static ApiParameter TimeZone(string name) => new(
        name,
        ApiParameterPlace.Query,
        "Time zone of the local dates and hours: an IANA name (Asia/Kolkata), a Windows name (India Standard Time), UTC or Z, or a fixed offset (+05:30, UTC+05:30). A bare number such as 330 is refused. Default UTC.")
    {
        Default = "UTC",
        Example = "Asia/Kolkata",
    };
}
