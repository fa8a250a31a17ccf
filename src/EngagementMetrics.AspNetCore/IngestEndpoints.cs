using EngagementMetrics;
using EngagementMetrics.AspNetCore;
using EngagementMetrics.Events;
using EngagementMetrics.Json;
using EngagementMetrics.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

public static partial class EngagementEndpoints
{
    private const int MaxEventsPerRequest = 1_000_000;

    /// <summary>The category of the ingest route's log: a summary per request at Information, each rejected record at Debug.</summary>
    public const string IngestLogCategory = "EngagementMetrics.AspNetCore.Ingest";

    private static readonly Action<ILogger, int, int, int, string, string, Exception?> IngestSummary =
        LoggerMessage.Define<int, int, int, string, string>(LogLevel.Information, new EventId(1, "IngestSummary"), "Ingest: {Stored} stored, {Duplicates} duplicates, {Rejected} rejected ({Format}, {Mode})");

    private static readonly Action<ILogger, string, string, string, Exception?> IngestRejected =
        LoggerMessage.Define<string, string, string>(LogLevel.Debug, new EventId(2, "IngestRejected"), "Ingest rejected {Position}: {Field}: {Reason}");

    /// <summary><c>POST /api/engagement/events</c>: a JSON array or <c>application/x-ndjson</c> body; <c>?mode=strict|lenient</c>.</summary>
    public static RouteGroupBuilder MapIngestEndpoints(this IEndpointRouteBuilder app)
    {
        var group = Group(app, o => o.IngestSchemes);
        group.MapPost("/api/engagement/events", (HttpContext context, IInteractionStore store, IOptions<EngagementEndpointOptions> options, ILoggerFactory logs) =>
            IngestAsync(context, store, options.Value, logs.CreateLogger(IngestLogCategory)));
        return group;
    }

    private static async Task<IResult> IngestAsync(HttpContext context, IInteractionStore store, EngagementEndpointOptions options, ILogger log)
    {
        if (context.Request.ContentLength > options.MaxIngestBytes)
        {
            return IngestError(413, $"The body is larger than {options.MaxIngestBytes} bytes.");
        }

        var mode = context.Request.Query["mode"].FirstOrDefault()?.ToLowerInvariant() switch
        {
            null or "" or "strict" => AppendMode.Strict,
            "lenient" => AppendMode.Lenient,
            _ => (AppendMode?)null,
        };
        if (mode is null)
        {
            return IngestError(400, $"invalid mode '{context.Request.Query["mode"]}': expected strict or lenient");
        }

        // The body is read as a stream, batch by batch, by the same strict reader as files: never copied whole, never
        // decoded to a string. Past MaxIngestBytes the read stops and the answer is 413, whatever was parsed.
        var contentType = context.Request.ContentType ?? string.Empty;
        var ndjson = contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase) || contentType.Contains("jsonl", StringComparison.OrdinalIgnoreCase);

        // One request is one batch: one transaction of the store, its rejections named by line or index.
        var body = new LimitedReadStream(context.Request.Body, options.MaxIngestBytes);
        EventReadResult batch;
        await using (var reader = new EventStreamReader(body, new EventReaderOptions { Format = ndjson ? EventFormat.JsonLines : EventFormat.JsonArray, BatchSize = MaxEventsPerRequest }, leaveOpen: true))
        {
            batch = await reader.ReadBatchAsync(context.RequestAborted) ?? EventJsonReader.ReadJsonLines(string.Empty);
            if (!body.Exceeded && await reader.ReadBatchAsync(context.RequestAborted) is not null)
            {
                return IngestError(413, $"The body holds more than {MaxEventsPerRequest} events.");
            }
        }

        if (body.Exceeded)
        {
            return IngestError(413, $"The body is larger than {options.MaxIngestBytes} bytes.");
        }

        var format = ndjson ? "JSON Lines" : "JSON array";
        try
        {
            var result = await store.AppendAsync(batch, mode.Value, context.RequestAborted);
            LogIngest(log, result.Stored, result.Duplicates, result.Rejected, format, mode.Value);
            return Json(200, IngestJson.Serialize(result, lines: ndjson));
        }
        catch (EventBatchRejectedException ex)
        {
            LogIngest(log, 0, 0, ex.Errors, format, mode.Value);
            return Json(400, IngestJson.Serialize(IngestJson.ToDocument(0, 0, ex.Errors, lines: ndjson)));
        }
    }

    private static void LogIngest(ILogger log, int stored, int duplicates, IReadOnlyList<EventError> rejected, string format, AppendMode mode)
    {
        IngestSummary(log, stored, duplicates, rejected.Count, format, mode == AppendMode.Strict ? "strict" : "lenient", null);
        if (log.IsEnabled(LogLevel.Debug))
        {
            foreach (var error in rejected)
            {
                IngestRejected(log, error.LineNumber is { } line ? $"line {line}" : $"index {error.Index}", error.Field, error.Message, null);
            }
        }
    }

    private static IResult IngestError(int status, string message) => Json(status, IngestJson.SerializeError(message));
}
