using System.Text.Json;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;

namespace EngagementMetrics.Json;

/// <summary>
/// Serializes the lifecycle and retention documents (<see cref="LifecycleDocument"/>, <see cref="RetentionDocument"/>)
/// exactly as documented: key order, counts as JSON integers, percentages as numbers without trailing zeros
/// (<c>50</c>, <c>33.33</c>, <c>100</c>) or <c>null</c>.
/// </summary>
/// <remarks>Thread-safe (stateless).</remarks>
public static class LifecycleJson
{
    /// <summary>Serializes a lifecycle report's document.</summary>
    /// <param name="report">The report.</param>
    /// <param name="indented">Two-space indentation with <c>\n</c> line ends (default); else compact, as an API sends it.</param>
    public static string Serialize(LifecycleReport report, bool indented = true) =>
        JsonSerializer.Serialize(LifecycleDocument.From(report), KoreTrendJson.Context(indented).LifecycleDocument);

    /// <summary>Serializes a retention report's document.</summary>
    /// <param name="report">The report.</param>
    /// <param name="indented">Two-space indentation with <c>\n</c> line ends (default); else compact, as an API sends it.</param>
    public static string Serialize(RetentionReport report, bool indented = true) =>
        JsonSerializer.Serialize(RetentionDocument.From(report), KoreTrendJson.Context(indented).RetentionDocument);

    /// <summary>Writes a lifecycle report's document to a stream as UTF-8 (compact unless <paramref name="indented"/>).</summary>
    public static Task WriteAsync(Stream utf8Stream, LifecycleReport report, bool indented = false, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(utf8Stream, LifecycleDocument.From(report), KoreTrendJson.Context(indented).LifecycleDocument, cancellationToken);

    /// <summary>Writes a retention report's document to a stream as UTF-8 (compact unless <paramref name="indented"/>).</summary>
    public static Task WriteAsync(Stream utf8Stream, RetentionReport report, bool indented = false, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(utf8Stream, RetentionDocument.From(report), KoreTrendJson.Context(indented).RetentionDocument, cancellationToken);
}
