using System.Security.Cryptography;
using System.Text;
using EngagementMetrics.AspNetCore;

namespace EngagementMetrics.SampleHost;

/// <summary>
/// Rocket.Chat dashboard users and Xenioo statistics tokens read from configuration (section <c>Sample:Credentials</c>).
/// A stand-in for the host's own user and token stores; tokens are compared in constant time.
/// </summary>
internal sealed class ConfiguredCredentials
{
    /// <summary>Users who may call the Rocket.Chat routes (<c>X-User-Id</c>, <c>X-Auth-Token</c>).</summary>
    public List<DashboardUser> RocketChatUsers { get; set; } = [];

    /// <summary>Bearer tokens of the statistics routes: account tokens (no bot) and bot tokens.</summary>
    public List<StatisticsToken> StatisticsTokens { get; set; } = [];

    public ValueTask<RocketChatUser?> FindRocketChatUserAsync(string userId, string token, CancellationToken cancellationToken)
    {
        var user = RocketChatUsers.FirstOrDefault(u => u.UserId == userId && SameSecret(u.Token, token));
        return ValueTask.FromResult(user is null ? null : new RocketChatUser(user.UserId, user.Permissions, user.Bots));
    }

    public ValueTask<StatisticsCaller?> FindStatisticsCallerAsync(string token, CancellationToken cancellationToken)
    {
        var found = StatisticsTokens.FirstOrDefault(t => SameSecret(t.Token, token));
        return ValueTask.FromResult(found is null ? null : new StatisticsCaller(found.AccountId, found.BotId));
    }

    // An empty configured token never matches (an unset secret must not open the door).
    private static bool SameSecret(string configured, string presented) =>
        configured.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(configured), Encoding.UTF8.GetBytes(presented));
}

/// <summary>A Rocket.Chat user, their token and permissions, and optionally the bots they may read.</summary>
internal sealed class DashboardUser
{
    public string UserId { get; set; } = string.Empty;

    public string Token { get; set; } = string.Empty;

    public List<string> Permissions { get; set; } = [];

    /// <summary>Bots whose dashboard the user may read; absent for any bot.</summary>
    public List<string>? Bots { get; set; }
}

/// <summary>A statistics bearer token: its account, and its bot for a bot token.</summary>
internal sealed class StatisticsToken
{
    public string Token { get; set; } = string.Empty;

    public string AccountId { get; set; } = string.Empty;

    public string? BotId { get; set; }
}
