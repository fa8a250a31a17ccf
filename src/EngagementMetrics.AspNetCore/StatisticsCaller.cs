using EngagementMetrics.Statistics;

namespace EngagementMetrics.AspNetCore;

/// <summary>The owner of a statistics token: an account, and for a bot token the one bot.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="BotId">The bot of a bot token, or null for an account token.</param>
public sealed record StatisticsCaller(string AccountId, string? BotId);
