using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;

namespace EngagementMetrics.Json;

/// <summary>The ingest route's answer: <c>{"stored":n,"duplicates":n,"rejected":[...]}</c>.</summary>
public sealed class IngestResponse
{
    /// <summary>Events stored by this request.</summary>
    public required int Stored { get; init; }

    /// <summary>Events skipped because their (bot, event id) was stored already or repeated in the body.</summary>
    public required int Duplicates { get; init; }

    /// <summary>Every rejected record, in input order.</summary>
    public required IReadOnlyList<IngestRejection> Rejected { get; init; }
}
