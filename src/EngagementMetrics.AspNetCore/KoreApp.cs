using EngagementMetrics.Statistics;

namespace EngagementMetrics.AspNetCore;

/// <summary>A Kore.ai app: its id (the JWT's <c>appId</c>), client secret, and the bots (stream ids) it may read.</summary>
public sealed class KoreApp
{
    /// <summary>The <c>appId</c> claim of its tokens.</summary>
    public string AppId { get; set; } = string.Empty;

    /// <summary>The HS256 client secret (UTF-8).</summary>
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>Bot / stream ids it may read; <c>*</c> for every bot.</summary>
    public List<string> Bots { get; set; } = [];
}
