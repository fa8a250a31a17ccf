using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>One type's series.</summary>
public sealed class StatisticsSeriesDocument
{
    /// <summary>The type code, 0 to 18.</summary>
    public required int Type { get; init; }

    /// <summary>The type's name, e.g. <c>New User</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Every bucket of the window, oldest first.</summary>
    public required IReadOnlyList<StatisticsPointDocument> Points { get; init; }
}
