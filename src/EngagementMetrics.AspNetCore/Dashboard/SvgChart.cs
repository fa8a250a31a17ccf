namespace EngagementMetrics.AspNetCore.Dashboard;

/// <summary>
/// The dashboard's charts as SVG, drawn here: bars stacked above an axis (and, for lifecycle, below it), and small
/// bar multiples. Each chart is an image with a title and a description for assistive technology, a tooltip per bar
/// and the same numbers as a table (the text alternative). Colours come from the page's stylesheet (light and dark).
/// </summary>
internal static class SvgChart
{
    private const double Width = 640;
    private const double Height = 240;
    private const double Left = 44;
    private const double Right = 8;
    private const double Top = 12;
    private const double Bottom = 30;

    /// <summary>One series of a chart: its name (legend, tooltips, table header), its CSS class (colour) and a value per label.</summary>
    public sealed record Series(string Name, string CssClass, IReadOnlyList<double?> Values);

    /// <summary>
    /// Bars per label: the <paramref name="up"/> series stacked above the axis, the <paramref name="down"/> series
    /// stacked below it (drawn downwards, counted as positive).
    /// </summary>
    public static void Bars(Html html, string id, string title, string description, IReadOnlyList<string> labels, IReadOnlyList<Series> up, IReadOnlyList<Series>? down = null)
    {
        down ??= [];
        var n = Math.Max(1, labels.Count);
        var maxUp = Math.Max(1, Enumerable.Range(0, labels.Count).Select(i => up.Sum(s => s.Values[i] ?? 0)).DefaultIfEmpty(0).Max());
        var maxDown = down.Count == 0 ? 0 : Math.Max(1, Enumerable.Range(0, labels.Count).Select(i => down.Sum(s => s.Values[i] ?? 0)).DefaultIfEmpty(0).Max());
        var plotHeight = Height - Top - Bottom;
        var axis = Top + (plotHeight * maxUp / (maxUp + maxDown));
        var scale = plotHeight / (maxUp + maxDown);
        var band = (Width - Left - Right) / n;
        var barWidth = Math.Max(1, band * 0.78);

        html.Raw("<div class=\"chart-scroll\"><svg class=\"chart\" viewBox=\"0 0 ").Number(Width).Raw(" ").Number(Height)
            .Raw("\" role=\"img\" aria-labelledby=\"").Text(id).Raw("-title ").Text(id).Raw("-desc\" id=\"").Text(id).Raw("-svg\">")
            .Raw("<title id=\"").Text(id).Raw("-title\">").Text(title).Raw("</title>")
            .Raw("<desc id=\"").Text(id).Raw("-desc\">").Text(description).Raw("</desc>");

        // Grid and axis labels: the largest value above, the largest below, zero at the axis.
        GridLine(html, Top, Html.Format(maxUp));
        GridLine(html, axis, "0");
        if (maxDown > 0)
        {
            GridLine(html, Height - Bottom, "-" + Html.Format(maxDown));
        }

        for (var i = 0; i < labels.Count; i++)
        {
            var x = Left + (i * band) + ((band - barWidth) / 2);
            var tip = labels[i] + ": " + string.Join(", ", up.Concat(down).Select(s => s.Name + " " + Html.Format(s.Values[i] ?? 0)));
            html.Raw("<g class=\"bar\"><title>").Text(tip).Raw("</title>");
            var y = axis;
            foreach (var series in up)
            {
                var h = (series.Values[i] ?? 0) * scale;
                y -= h;
                Rect(html, series.CssClass, x, y, barWidth, h);
            }

            y = axis;
            foreach (var series in down)
            {
                var h = (series.Values[i] ?? 0) * scale;
                Rect(html, series.CssClass, x, y, barWidth, h);
                y += h;
            }

            html.Raw("</g>");
        }

        // Every k-th label, so they never overlap (about 12 fit).
        var step = (int)Math.Ceiling(labels.Count / 12.0);
        for (var i = 0; i < labels.Count; i += Math.Max(1, step))
        {
            html.Raw("<text class=\"x-label\" x=\"").Number(Left + (i * band) + (band / 2)).Raw("\" y=\"").Number(Height - 10).Raw("\" text-anchor=\"middle\">").Text(labels[i]).Raw("</text>");
        }

        html.Raw("<line class=\"axis\" x1=\"").Number(Left).Raw("\" x2=\"").Number(Width - Right).Raw("\" y1=\"").Number(axis).Raw("\" y2=\"").Number(axis).Raw("\"/>");
        html.Raw("</svg></div>");
        Legend(html, [.. up, .. down]);
        DataTable(html, title, labels, [.. up, .. down]);
    }

    /// <summary>One small bar chart per series (the statistics types), each with its name and a headline figure.</summary>
    public static void SmallMultiples(Html html, string id, IReadOnlyList<string> labels, IReadOnlyList<(Series Series, string Headline)> panels)
    {
        html.Raw("<ul class=\"multiples\">");
        for (var p = 0; p < panels.Count; p++)
        {
            var (series, headline) = panels[p];
            const double w = 160, h = 48;
            var max = series.Values.Max(v => v ?? 0);
            var band = w / Math.Max(1, labels.Count);
            var panelId = id + "-" + p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            html.Raw("<li><span class=\"multiple-name\" id=\"").Text(panelId).Raw("-title\">").Text(series.Name).Raw("</span> <span class=\"multiple-value\">").Text(headline).Raw("</span>")
                .Raw("<svg class=\"multiple\" viewBox=\"0 0 ").Number(w).Raw(" ").Number(h).Raw("\" role=\"img\" aria-labelledby=\"").Text(panelId).Raw("-title ").Text(panelId).Raw("-desc\">")
                .Raw("<desc id=\"").Text(panelId).Raw("-desc\">").Text(series.Name + " by day: " + string.Join(", ", labels.Select((l, i) => l + " " + (series.Values[i] is { } v ? Html.Format(v) : "no data")))).Raw("</desc>");
            for (var i = 0; i < labels.Count; i++)
            {
                if (series.Values[i] is not { } value)
                {
                    continue;
                }

                var barHeight = max <= 0 ? 0 : value / max * (h - 4);
                html.Raw("<rect class=\"").Text(series.CssClass).Raw("\" x=\"").Number((i * band) + (band * 0.1)).Raw("\" y=\"").Number(h - barHeight).Raw("\" width=\"").Number(band * 0.8).Raw("\" height=\"").Number(barHeight)
                    .Raw("\"><title>").Text(labels[i] + ": " + Html.Format(value)).Raw("</title></rect>");
            }

            html.Raw("<line class=\"axis\" x1=\"0\" x2=\"").Number(w).Raw("\" y1=\"").Number(h).Raw("\" y2=\"").Number(h).Raw("\"/></svg></li>");
        }

        html.Raw("</ul>");
    }

    /// <summary>The numbers of a chart as a table, folded away: the chart's text alternative, and its data at a glance.</summary>
    public static void DataTable(Html html, string caption, IReadOnlyList<string> labels, IReadOnlyList<Series> series)
    {
        html.Raw("<details class=\"data\"><summary>Data table</summary><div class=\"table-scroll\"><table><caption>").Text(caption).Raw("</caption><thead><tr><th scope=\"col\">period</th>");
        foreach (var s in series)
        {
            html.Raw("<th scope=\"col\">").Text(s.Name).Raw("</th>");
        }

        html.Raw("</tr></thead><tbody>");
        for (var i = 0; i < labels.Count; i++)
        {
            html.Raw("<tr><th scope=\"row\">").Text(labels[i]).Raw("</th>");
            foreach (var s in series)
            {
                html.Raw("<td>").Text(s.Values[i] is { } v ? Html.Format(v) : string.Empty).Raw("</td>");
            }

            html.Raw("</tr>");
        }

        html.Raw("</tbody></table></div></details>");
    }

    private static void Legend(Html html, IReadOnlyList<Series> series)
    {
        html.Raw("<ul class=\"legend\">");
        foreach (var s in series)
        {
            html.Raw("<li><span class=\"swatch ").Text(s.CssClass).Raw("\"></span>").Text(s.Name).Raw("</li>");
        }

        html.Raw("</ul>");
    }

    private static void GridLine(Html html, double y, string label)
    {
        html.Raw("<line class=\"grid\" x1=\"").Number(Left).Raw("\" x2=\"").Number(Width - Right).Raw("\" y1=\"").Number(y).Raw("\" y2=\"").Number(y).Raw("\"/>")
            .Raw("<text class=\"y-label\" x=\"").Number(Left - 6).Raw("\" y=\"").Number(y + 4).Raw("\" text-anchor=\"end\">").Text(label).Raw("</text>");
    }

    private static void Rect(Html html, string cssClass, double x, double y, double width, double height)
    {
        if (height <= 0)
        {
            return;
        }

        html.Raw("<rect class=\"").Text(cssClass).Raw("\" x=\"").Number(x).Raw("\" y=\"").Number(y).Raw("\" width=\"").Number(width).Raw("\" height=\"").Number(height).Raw("\"/>");
    }
}
