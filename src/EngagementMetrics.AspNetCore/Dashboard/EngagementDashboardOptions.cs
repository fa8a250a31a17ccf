using Microsoft.AspNetCore.Http;

namespace EngagementMetrics.AspNetCore;

/// <summary>What the engagement dashboard (<c>app.MapEngagementDashboard("/dashboard")</c>) shows and to whom.</summary>
public sealed class EngagementDashboardOptions
{
    /// <summary>The bots every dashboard user may pick, unless <see cref="BotsForUser"/> is set.</summary>
    public List<string> Bots { get; set; } = [];

    /// <summary>
    /// The bots the signed-in user (<see cref="HttpContext.User"/>) may read; overrides <see cref="Bots"/>. A request
    /// for another bot is answered 404, as for a bot that does not exist.
    /// </summary>
    public Func<HttpContext, CancellationToken, ValueTask<IReadOnlyList<string>>>? BotsForUser { get; set; }

    /// <summary>The zone a page opens in (an IANA or Windows name, or an offset such as <c>+05:30</c>). Default UTC.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>The first day a page opens on; default 13 days before <see cref="DefaultEndDate"/>.</summary>
    public DateOnly? DefaultStartDate { get; set; }

    /// <summary>The last day a page opens on; default today in <see cref="DefaultTimeZone"/>.</summary>
    public DateOnly? DefaultEndDate { get; set; }

    /// <summary>The page's heading.</summary>
    public string Title { get; set; } = "Engagement";
}
