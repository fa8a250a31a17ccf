using System.Globalization;
using EngagementMetrics.Json;
using EngagementMetrics.Retention;
using EngagementMetrics.Statistics;
using EngagementMetrics.Trends;

namespace EngagementMetrics.AspNetCore.Dashboard;

/// <summary>The dashboard's HTML: the page (header, filters, panels) and the panels alone (what a filter change redraws).</summary>
internal static class DashboardPage
{
    // Statistics that are means (seconds or a percentage), headlined by their mean instead of their total.
    private static readonly HashSet<StatisticType> Means =
    [
        StatisticType.ConversationLength, StatisticType.TimeToPickUp, StatisticType.TakeoverRate,
        StatisticType.SupportConversationLength, StatisticType.TimeToFirstMessage,
    ];

    public static string Page(EngagementDashboardOptions options, IReadOnlyList<string> bots, DashboardRequest? request, string panels)
    {
        var html = new Html();
        html.Raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta name=\"color-scheme\" content=\"light dark\"><title>").Text(options.Title).Raw("</title>")
            .Raw("<link rel=\"icon\" href=\"assets/icon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"assets/dashboard.css\"><script src=\"assets/dashboard.js\" defer></script></head><body>")
            .Raw("<header><h1>").Text(options.Title).Raw("</h1></header>");
        Filters(html, bots, request);
        html.Raw("<main id=\"panels\" aria-live=\"polite\">").Raw(panels).Raw("</main></body></html>");
        return html.ToString();
    }

    /// <summary>An error in place of the panels: one line naming the field and value, for assistive technology too.</summary>
    public static string Error(string message) => new Html().Raw("<p class=\"error\" role=\"alert\">").Text(message).Raw("</p>").ToString();

    public static string Panels(DashboardData data)
    {
        var html = new Html();
        var trend = data.Trend;
        var query = data.Request.Query;
        var qs = data.Request.QueryString;
        var summary = trend.Summary;

        html.Raw("<section class=\"cards\" aria-label=\"Summary\">");
        Card(html, "uniqueUsers", "Unique users", summary.UniqueUsers);
        Card(html, "newUsers", "New users", summary.NewUsers);
        Card(html, "returningUsers", "Returning users", summary.ReturningUsers);
        Card(html, "avgUniqueUsersPerDay", "Unique per day", (double)summary.AvgUniqueUsersPerDay);
        Card(html, "avgNewUsersPerDay", "New per day", (double)summary.AvgNewUsersPerDay);
        Card(html, "avgReturningUsersPerDay", "Returning per day", (double)summary.AvgReturningUsersPerDay);
        html.Raw("</section>");

        var labels = trend.Buckets.Select(b => query.Aggregation == TrendAggregation.Hourly
            ? b.LocalStart.ToString("MM-dd HH:00", CultureInfo.InvariantCulture)
            : b.LocalStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList();
        Figure(html, "trend", "Users over time", qs, h => SvgChart.Bars(
            h, "trend", "Unique users by " + (query.Aggregation == TrendAggregation.Hourly ? "hour" : "day"),
            $"New and returning users stacked (together the unique users) per local {(query.Aggregation == TrendAggregation.Hourly ? "hour" : "day")} of bot {query.BotId}, {query.StartDate:yyyy-MM-dd} to {query.EndDate:yyyy-MM-dd}, {query.TimeZone.Id}.",
            labels,
            [
                new("new", "s-new", [.. trend.Buckets.Select(b => (double?)b.NewUsers)]),
                new("returning", "s-returning", [.. trend.Buckets.Select(b => (double?)b.ReturningUsers)]),
            ]));

        var lifecycle = data.Lifecycle;
        var lifecycleLabels = lifecycle.Buckets.Select(b => b.Period).ToList();
        Figure(html, "lifecycle", "Lifecycle", qs, h => SvgChart.Bars(
            h, "lifecycle", "Users by lifecycle stage per " + lifecycle.Query.Aggregation.ToWireName(),
            $"Per local {lifecycle.Query.Aggregation.ToWireName()}: new, returning and resurrecting users stacked above the axis (together the active users), dormant users (active in the previous {lifecycle.Query.Aggregation.ToWireName()}, not in this one) below it.",
            lifecycleLabels,
            [
                new("new", "s-new", [.. lifecycle.Buckets.Select(b => (double?)b.New)]),
                new("returning", "s-returning", [.. lifecycle.Buckets.Select(b => (double?)b.Returning)]),
                new("resurrecting", "s-resurrecting", [.. lifecycle.Buckets.Select(b => (double?)b.Resurrecting)]),
            ],
            [new("dormant", "s-dormant", [.. lifecycle.Buckets.Select(b => (double?)b.Dormant)])]));

        var retention = data.Retention;
        Figure(html, "retention", "Retention by " + retention.Query.Interval.ToWireName() + " cohort", qs, h => RetentionTable(h, retention));

        var hours = data.BusierHourly.Hours.OrderBy(h => h.Hour).ToList();
        Figure(html, "busier-hourly", "Busiest hours", qs, h => SvgChart.Bars(
            h, "busier-hourly", "Active users by two-hour slot",
            $"Distinct active users in each two-hour slot of the 24 hours before {data.BusierHourly.Start.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, local time {query.TimeZone.Id}.",
            [.. hours.Select(x => $"{x.Hour:00}-{x.Hour + 1:00}")],
            [new("users", "s-unique", [.. hours.Select(x => (double?)x.Users)])]));

        var days = data.BusierWeekly.Days.OrderBy(d => d.Date).ToList();
        Figure(html, "busier-weekly", "Busiest days", qs, h => SvgChart.Bars(
            h, "busier-weekly", "Active users by day",
            $"Distinct active users per local day of the 7 days before {data.BusierWeekly.Start.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, {query.TimeZone.Id}.",
            [.. days.Select(d => d.Date.ToString("ddd MM-dd", CultureInfo.InvariantCulture))],
            [new("users", "s-unique", [.. days.Select(d => (double?)d.Users)])]));

        var statistics = data.Statistics;
        var periods = statistics.Series.Count == 0 ? [] : statistics.Series[0].Points.Select(p => p.Period).ToList();
        Figure(html, "statistics", $"Statistics, {statistics.From:yyyy-MM-dd} to {statistics.To:yyyy-MM-dd}", qs, h => SvgChart.SmallMultiples(
            h, "statistics", periods,
            [.. statistics.Series.Select(s => (
                new SvgChart.Series(s.Name, "s-stat", [.. s.Points.Select(p => p.Value is { } v ? (double?)v : null)]),
                Headline(s)))]));
        return html.ToString();
    }

    /// <summary>The cohorts as a heat table: a row per cohort, a column per interval after it, each cell the percent retained (and the count).</summary>
    private static void RetentionTable(Html html, RetentionReport retention)
    {
        var width = retention.Cohorts.Count == 0 ? 0 : retention.Cohorts.Max(c => c.Retained.Count);
        var unit = retention.Query.Interval.ToWireName();
        html.Raw("<div class=\"table-scroll\"><table class=\"heat\" id=\"retention-table\"><caption>").Text($"Share of each {unit}'s new users active again N {unit}s later ({unit} 0: the cohort's own)").Raw("</caption>")
            .Raw("<thead><tr><th scope=\"col\">cohort</th><th scope=\"col\">users</th>");
        for (var n = 0; n < width; n++)
        {
            html.Raw("<th scope=\"col\">").Text(unit + " " + n.ToString(CultureInfo.InvariantCulture)).Raw("</th>");
        }

        html.Raw("</tr></thead><tbody>");
        foreach (var cohort in retention.Cohorts)
        {
            html.Raw("<tr><th scope=\"row\">").Text(cohort.Cohort).Raw("</th><td>").Number(cohort.Users).Raw("</td>");
            for (var n = 0; n < width; n++)
            {
                if (n >= cohort.Retained.Count)
                {
                    html.Raw("<td></td>");
                }
                else if (cohort.Percent[n] is { } percent)
                {
                    var level = (int)Math.Round(percent / 10, MidpointRounding.AwayFromZero);
                    html.Raw("<td class=\"h h").Text(level.ToString(CultureInfo.InvariantCulture)).Raw("\" title=\"").Text($"{cohort.Cohort}, {unit} {n}: {cohort.Retained[n]} of {cohort.Users} users").Raw("\">")
                        .Number((double)percent).Raw("%</td>");
                }
                else
                {
                    html.Raw("<td title=\"").Text(cohort.Cohort + ": no new users").Raw("\">–</td>");
                }
            }

            html.Raw("</tr>");
        }

        html.Raw("</tbody></table></div>");
    }

    private static string Headline(StatisticSeries series)
    {
        var values = series.Points.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToList();
        if (values.Count == 0)
        {
            return "no data";
        }

        return Means.Contains(series.Type)
            ? "mean " + Html.Format((double)values.Average()) + (series.Type == StatisticType.TakeoverRate ? " %" : " s")
            : "total " + Html.Format((double)values.Sum());
    }

    private static void Card(Html html, string metric, string label, double value) =>
        html.Raw("<div class=\"card\" data-metric=\"").Text(metric).Raw("\"><span class=\"card-label\">").Text(label).Raw("</span><span class=\"card-value\">").Number(value).Raw("</span></div>");

    private static void Figure(Html html, string name, string heading, string queryString, Action<Html> chart)
    {
        html.Raw("<figure class=\"panel\" id=\"panel-").Text(name).Raw("\"><figcaption><h2>").Text(heading).Raw("</h2>")
            .Raw("<a class=\"csv\" download href=\"csv/").Text(name).Text(queryString).Raw("\">CSV<span class=\"visually-hidden\"> of ").Text(heading).Raw("</span></a></figcaption>");
        chart(html);
        html.Raw("</figure>");
    }

    private static void Filters(Html html, IReadOnlyList<string> bots, DashboardRequest? request)
    {
        var query = request?.Query;
        string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;

        html.Raw("<form id=\"filters\" method=\"get\" action=\"./\" aria-label=\"Filters\">");
        html.Raw("<label>Bot <select name=\"bot\">");
        foreach (var bot in bots)
        {
            html.Raw("<option").Raw(bot == query?.BotId ? " selected" : string.Empty).Raw(">").Text(bot).Raw("</option>");
        }

        html.Raw("</select></label>");
        Input(html, "From", "start", "date", Date(query?.StartDate));
        Input(html, "To", "end", "date", Date(query?.EndDate));
        Input(html, "Time zone", "tz", "text", request?.ZoneName ?? string.Empty);
        Select(html, "Buckets", "aggregation", query?.Aggregation.ToWireName() ?? string.Empty, [("daily", "daily"), ("hourly", "hourly")]);
        Input(html, "Channels", "channels", "text", query?.Channels is { } channels ? string.Join(',', channels) : string.Empty);
        Select(html, "Conversations", "type", query?.ConversationType.ToWireName() ?? "all", [("all", "all"), ("interactive", "interactive"), ("non interactive", "non interactive")]);
        Select(html, "Status", "status", query?.ConversationStatus.ToWireName() ?? "all", [("all", "all"), ("active", "active"), ("closed", "closed")]);
        html.Raw("<button type=\"submit\">Show</button></form>");
    }

    private static void Input(Html html, string label, string name, string type, string value) =>
        html.Raw("<label>").Text(label).Raw(" <input name=\"").Text(name).Raw("\" type=\"").Text(type).Raw("\" value=\"").Text(value).Raw("\"")
            .Raw(name == "channels" ? " placeholder=\"all\"" : string.Empty).Raw("></label>");

    private static void Select(Html html, string label, string name, string selected, IReadOnlyList<(string Value, string Text)> options)
    {
        html.Raw("<label>").Text(label).Raw(" <select name=\"").Text(name).Raw("\">");
        foreach (var (value, text) in options)
        {
            html.Raw("<option value=\"").Text(value).Raw("\"").Raw(value == selected ? " selected" : string.Empty).Raw(">").Text(text).Raw("</option>");
        }

        html.Raw("</select></label>");
    }
}
