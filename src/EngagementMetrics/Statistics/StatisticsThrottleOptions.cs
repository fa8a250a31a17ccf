using System.Collections.Concurrent;

namespace EngagementMetrics.Statistics;

/// <summary>The statistics throttles (configurable; the defaults are the documented ones).</summary>
public sealed class StatisticsThrottleOptions
{
    /// <summary>Minimum time between two account-endpoint calls of one account. Default one hour.</summary>
    public TimeSpan AccountInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Minimum time between two bot-endpoint calls of one bot. Default 30 minutes.</summary>
    public TimeSpan BotInterval { get; set; } = TimeSpan.FromMinutes(30);
}
