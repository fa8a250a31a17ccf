using System.Globalization;
using EngagementMetrics.Json;
using EngagementMetrics.Trends;
using Microsoft.AspNetCore.Http;

namespace EngagementMetrics.AspNetCore.Dashboard;

/// <summary>
/// A dashboard query from its URL (<c>?bot=&amp;start=&amp;end=&amp;aggregation=&amp;tz=&amp;channels=&amp;type=&amp;status=</c>),
/// bound by the protocol layer's trend binder under the dashboard's own parameter names.
/// </summary>
internal sealed record DashboardRequest(TrendQuery Query, string ZoneName)
{
    /// <summary>The request's values as a query string, in a fixed order (for links: CSV downloads, the address bar).</summary>
    public string QueryString { get; } = ToQueryString(Query, ZoneName);

    public static readonly TrendParameterNames Names = new("start", "end", "aggregation", "channels", "tz", "type", "status");

    /// <summary>Binds the request; missing values take the options' defaults (daily, the default zone and period).</summary>
    /// <exception cref="EngagementValidationException">A value is malformed (named in the dashboard's terms).</exception>
    public static DashboardRequest Bind(IQueryCollection query, IReadOnlyList<string> bots, EngagementDashboardOptions options, TimeProvider clock)
    {
        string? Given(string name) => query.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values.ToString()) ? values.ToString() : null;

        var bot = Given("bot") ?? (bots.Count > 0 ? bots[0] : throw new EngagementValidationException("bot", null, "no bot to show: configure EngagementDashboardOptions.Bots or BotsForUser"));
        var zoneName = Given(Names.TimeZone) ?? options.DefaultTimeZone;
        var zone = TrendParameters.ParseTimeZone(zoneName, Names.TimeZone);
        var end = options.DefaultEndDate ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var start = options.DefaultStartDate ?? end.AddDays(-13);
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Names.StartDate] = start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [Names.EndDate] = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [Names.Aggregation] = "daily",
            [Names.TimeZone] = zoneName,
        };
        var trend = TrendQueryBinder.Bind(bot, name => Given(name) ?? defaults.GetValueOrDefault(name), Names);
        return new DashboardRequest(trend, zoneName);
    }

    private static string ToQueryString(TrendQuery query, string zoneName)
    {
        var pairs = new List<KeyValuePair<string, string?>>
        {
            new("bot", query.BotId),
            new(Names.StartDate, query.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new(Names.EndDate, query.EndDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new(Names.Aggregation, query.Aggregation.ToWireName()),
            new(Names.TimeZone, zoneName),
        };
        if (query.Channels is { Count: > 0 } channels)
        {
            pairs.Add(new(Names.Channels, string.Join(',', channels)));
        }

        if (query.ConversationType != ConversationTypeFilter.All)
        {
            pairs.Add(new(Names.ConversationType, query.ConversationType.ToWireName()));
        }

        if (query.ConversationStatus != ConversationStatusFilter.All)
        {
            pairs.Add(new(Names.ConversationStatus, query.ConversationStatus.ToWireName()));
        }

        return Microsoft.AspNetCore.Http.QueryString.Create(pairs).ToUriComponent();
    }
}
