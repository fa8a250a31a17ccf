namespace EngagementMetrics.Events;

/// <summary>How a stream of events is written.</summary>
public enum EventFormat
{
    /// <summary>One JSON object per line (<c>application/x-ndjson</c>, <c>.jsonl</c> files). Records are named by one-based line number.</summary>
    JsonLines = 0,

    /// <summary>One JSON array of objects (<c>application/json</c>). Records are named by zero-based array index.</summary>
    JsonArray = 1,
}
