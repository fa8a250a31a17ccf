using EngagementMetrics.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace EngagementMetrics.AspNetCore;

/// <summary>
/// The one place a query route chooses the form of its answer: the rows of its document as CSV when the request asks
/// for <c>text/csv</c>, else the JSON document as it always was. Errors never come here: they stay JSON.
/// </summary>
internal static class QueryAnswer
{
    /// <summary>
    /// The 200 answer of a query route: CSV (<c>text/csv; charset=utf-8</c>) when <see cref="WantsCsv"/>, else the JSON
    /// text (<c>application/json</c>, byte for byte what the route always answered). Either way the answer says that it
    /// varies with <c>Accept</c>, so that a cache keeps the two apart.
    /// </summary>
    public static IResult Ok(HttpContext context, Func<string> json, Func<CsvTable> csv)
    {
        context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        return WantsCsv(context.Request) ? new CsvResult(csv()) : Results.Text(json(), "application/json", System.Text.Encoding.UTF8, StatusCodes.Status200OK);
    }

    /// <summary>
    /// Whether the request's <c>Accept</c> header names <c>text/csv</c> (parameters such as <c>charset</c> allowed) with a
    /// quality above zero and above that of any <c>application/json</c> it names. Wildcards (<c>*/*</c>, <c>text/*</c>)
    /// choose nothing: a request without <c>Accept</c>, with <c>*/*</c> or with <c>application/json</c> gets JSON, as
    /// before; so does one naming both at the same quality.
    /// </summary>
    public static bool WantsCsv(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }

        double csv = 0, json = 0;
        foreach (var type in types)
        {
            var quality = type.Quality ?? 1;
            if (type.MediaType.Equals(EngagementCsv.MediaType, StringComparison.OrdinalIgnoreCase))
            {
                csv = Math.Max(csv, quality);
            }
            else if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }

        return csv > 0 && csv > json;
    }

    // Streams the table to the response body in pieces (CsvTable.WriteToAsync), never the whole text as a string.
    private sealed class CsvResult(CsvTable table) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = EngagementCsv.ContentType;
            return table.WriteToAsync(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}
