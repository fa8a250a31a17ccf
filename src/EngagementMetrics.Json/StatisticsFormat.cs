using System.Globalization;
using EngagementMetrics.Statistics;

namespace EngagementMetrics.Json;

/// <summary>What the statistics routes and <c>engagement stats</c> answer.</summary>
public enum StatisticsFormat
{
    /// <summary>The row array: one row per (period, bot, channel, type) (the routes' default).</summary>
    Rows,

    /// <summary>The series document: one series per type over every bot and channel (the CLI's default).</summary>
    Series,
}
