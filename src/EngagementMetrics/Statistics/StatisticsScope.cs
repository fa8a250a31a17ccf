namespace EngagementMetrics.Statistics;

/// <summary>Which endpoint asks: the account endpoint (one bot or <c>*</c>) or the per-bot endpoint (which also allows type 18).</summary>
public enum StatisticsScope
{
    /// <summary><c>/analytics/statistics/account/{APIKEY}/...</c>.</summary>
    Account,

    /// <summary><c>/analytics/statistics/...</c> with a bot token.</summary>
    Bot,
}
