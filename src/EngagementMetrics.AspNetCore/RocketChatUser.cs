using EngagementMetrics.Statistics;

namespace EngagementMetrics.AspNetCore;

/// <summary>A Rocket.Chat user as the host's authenticator sees it.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="Permissions">Their permissions; the dashboard routes need <c>view-engagement-dashboard</c>.</param>
/// <param name="Bots">The bots whose dashboard they may read (with <c>botId</c>), or null for any bot.</param>
public sealed record RocketChatUser(string UserId, IReadOnlyCollection<string> Permissions, IReadOnlyCollection<string>? Bots = null);
