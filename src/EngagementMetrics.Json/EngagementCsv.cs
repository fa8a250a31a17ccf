using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Statistics;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Json;

/// <summary>
/// The documents of this package as CSV tables (RFC 4180; docs/schemas.md, "CSV"): a header row of the JSON field
/// names and one row per entry of the document's row array, each cell the JSON value (the same date texts and digits),
/// an empty cell for <c>null</c>. What is not in a row (Kore.ai's <c>summary</c> and <c>filters</c>, <c>totalResults</c>,
/// <c>success</c>, the statistics document's <c>account</c>, <c>from</c>, ...) is not in the CSV.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>document</term><description>rows and header</description></listheader>
/// <item><term>Kore.ai v1</term><description><c>results</c>: <c>date,users</c> (daily) or <c>date,0 - 1,...,23 - 0</c> (hourly, the point's 24 hour keys)</description></item>
/// <item><term>Kore.ai v2</term><description>the points of the three series, unique first, then new, then returning: <c>trend,date,users</c> or <c>trend,date,0 - 1,...,23 - 0</c>, where <c>trend</c> is the series' field name (<c>uniqueUsersTrend</c>, <c>newUsersTrend</c>, <c>returningUsersTrend</c>)</description></item>
/// <item><term>Rocket.Chat hourly-data</term><description><c>hours</c>: <c>users,hour</c></description></item>
/// <item><term>Rocket.Chat weekly-data</term><description><c>month</c>: <c>users,day,month,year</c></description></item>
/// <item><term>statistics row array</term><description>the rows: <c>GroupLabel,BotName,ChannelName,EventLabel,EventType,Value</c></description></item>
/// <item><term>statistics series document</term><description>the points of every series, in series order: <c>type,name,period,value</c> (the series' <c>type</c> and <c>name</c> on each of its points)</description></item>
/// <item><term>lifecycle</term><description><c>buckets</c>: <c>period,new,returning,resurrecting,dormant</c></description></item>
/// <item><term>retention</term><description><c>cohorts</c>: <c>cohort,users,retained[0],...,percent[0],...</c>, one column per array index up to the longest cohort's (a shorter cohort's cells past its end empty, an empty cohort's percentages empty as <c>null</c>)</description></item>
/// </list>
/// Thread-safe (stateless).
/// </remarks>
public static class EngagementCsv
{
    /// <summary>The media type of CSV (RFC 4180): <c>text/csv</c>.</summary>
    public const string MediaType = "text/csv";

    /// <summary>The Content-Type of a CSV answer: <c>text/csv; charset=utf-8</c>.</summary>
    public const string ContentType = "text/csv; charset=utf-8";

    private const string TrendColumn = "trend";

    private static readonly CsvColumns<KoreDailyPoint> DailyPoints = new CsvColumns<KoreDailyPoint>()
        .Add("date", static p => p.Date)
        .Add("users", static p => p.Users);

    private static readonly CsvColumns<KoreHourlyPoint> HourlyPoints = WithHours(new CsvColumns<KoreHourlyPoint>().Add("date", static p => p.Date), static p => p);

    private static readonly CsvColumns<(string Trend, KoreDailyPoint Point)> DailyTrendPoints = new CsvColumns<(string Trend, KoreDailyPoint Point)>()
        .Add(TrendColumn, static r => r.Trend)
        .Add("date", static r => r.Point.Date)
        .Add("users", static r => r.Point.Users);

    private static readonly CsvColumns<(string Trend, KoreHourlyPoint Point)> HourlyTrendPoints = WithHours(
        new CsvColumns<(string Trend, KoreHourlyPoint Point)>().Add(TrendColumn, static r => r.Trend).Add("date", static r => r.Point.Date),
        static r => r.Point);

    private static readonly CsvColumns<RocketChatHourPoint> ChatBusierHours = new CsvColumns<RocketChatHourPoint>()
        .Add("users", static p => p.Users)
        .Add("hour", static p => p.Hour);

    private static readonly CsvColumns<RocketChatDayPoint> ChatBusierDays = new CsvColumns<RocketChatDayPoint>()
        .Add("users", static p => p.Users)
        .Add("day", static p => p.Day)
        .Add("month", static p => p.Month)
        .Add("year", static p => p.Year);

    private static readonly CsvColumns<StatisticsRowDocument> StatisticsRows = new CsvColumns<StatisticsRowDocument>()
        .Add("GroupLabel", static r => r.GroupLabel)
        .Add("BotName", static r => r.BotName)
        .Add("ChannelName", static r => r.ChannelName)
        .Add("EventLabel", static r => r.EventLabel)
        .Add("EventType", static r => r.EventType)
        .Add("Value", static r => r.Value);

    private static readonly CsvColumns<(StatisticsSeriesDocument Series, StatisticsPointDocument Point)> StatisticsPoints = new CsvColumns<(StatisticsSeriesDocument Series, StatisticsPointDocument Point)>()
        .Add("type", static r => r.Series.Type)
        .Add("name", static r => r.Series.Name)
        .Add("period", static r => r.Point.Period)
        .Add("value", static r => r.Point.Value);

    private static readonly CsvColumns<LifecycleBucketDocument> LifecycleBuckets = new CsvColumns<LifecycleBucketDocument>()
        .Add("period", static b => b.Period)
        .Add("new", static b => b.New)
        .Add("returning", static b => b.Returning)
        .Add("resurrecting", static b => b.Resurrecting)
        .Add("dormant", static b => b.Dormant);

    private static readonly CsvColumns<RetentionCohortDocument> RetentionCohorts = new CsvColumns<RetentionCohortDocument>()
        .Add("cohort", static c => c.Cohort)
        .Add("users", static c => c.Users)
        .AddArray("retained", static c => c.Retained.Count, static (c, i) => c.Retained[i])
        .AddArray("percent", static c => c.Percent.Count, static (c, i) => c.Percent[i]);

    /// <summary>The v1 daily document's <c>results</c>: <c>date,users</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static CsvTable ToTable(KoreV1Response<KoreDailyPoint> document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return DailyPoints.ToTable(document.Results);
    }

    /// <summary>The v1 hourly document's <c>results</c>: <c>date,0 - 1,...,23 - 0</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    /// <exception cref="ArgumentException">A point has not 24 hours.</exception>
    public static CsvTable ToTable(KoreV1Response<KoreHourlyPoint> document)
    {
        ArgumentNullException.ThrowIfNull(document);
        CheckHours(document.Results, nameof(document));
        return HourlyPoints.ToTable(document.Results);
    }

    /// <summary>The v2 daily document's three series: <c>trend,date,users</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static CsvTable ToTable(KoreV2Response<KoreDailyPoint> document) => DailyTrendPoints.ToTable(TrendPoints(document));

    /// <summary>The v2 hourly document's three series: <c>trend,date,0 - 1,...,23 - 0</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    /// <exception cref="ArgumentException">A point has not 24 hours.</exception>
    public static CsvTable ToTable(KoreV2Response<KoreHourlyPoint> document)
    {
        var points = TrendPoints(document);
        CheckHours(points.Select(p => p.Point), nameof(document));
        return HourlyTrendPoints.ToTable(points);
    }

    /// <summary>The hourly-data document's <c>hours</c>: <c>users,hour</c>, hour 22 first.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static CsvTable ToTable(RocketChatHourlyResponse document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return ChatBusierHours.ToTable(document.Hours);
    }

    /// <summary>The weekly-data document's <c>month</c>: <c>users,day,month,year</c>, newest first.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static CsvTable ToTable(RocketChatWeeklyResponse document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return ChatBusierDays.ToTable(document.Month);
    }

    /// <summary>The statistics row array: <c>GroupLabel,BotName,ChannelName,EventLabel,EventType,Value</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> is null.</exception>
    public static CsvTable ToTable(IReadOnlyList<StatisticsRowDocument> rows) => StatisticsRows.ToTable(rows);

    /// <summary>The statistics document's series, point by point: <c>type,name,period,value</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static CsvTable ToTable(StatisticsResponse document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return StatisticsPoints.ToTable([.. document.Series.SelectMany(s => s.Points.Select(p => (s, p)))]);
    }

    /// <summary>The lifecycle document's <c>buckets</c>: <c>period,new,returning,resurrecting,dormant</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static CsvTable ToTable(LifecycleDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return LifecycleBuckets.ToTable(document.Buckets);
    }

    /// <summary>
    /// The retention document's <c>cohorts</c>: <c>cohort,users,retained[0],...,percent[0],...</c>, as many
    /// <c>retained</c> and <c>percent</c> columns as the longest cohort has entries; a shorter cohort leaves the cells past
    /// its end empty, and a <c>null</c> percentage (an empty cohort) is an empty cell.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="document"/> is null.</exception>
    public static CsvTable ToTable(RetentionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return RetentionCohorts.ToTable(document.Cohorts);
    }

    /// <summary>The table of a lifecycle report's document (<see cref="LifecycleJson.Serialize(LifecycleReport, bool)"/>): <c>period,new,returning,resurrecting,dormant</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static CsvTable Lifecycle(LifecycleReport report) => ToTable(LifecycleDocument.From(report));

    /// <summary>The table of a retention report's document (<see cref="LifecycleJson.Serialize(RetentionReport, bool)"/>): <c>cohort,users,retained[0],...,percent[0],...</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="report"/> is null.</exception>
    public static CsvTable Retention(RetentionReport report) => ToTable(RetentionDocument.From(report));

    /// <summary>The table of the Kore.ai v1 document of a trend (<see cref="KoreTrendJson.SerializeV1"/>), hourly or daily.</summary>
    /// <exception cref="ArgumentException">The trend is neither hourly nor daily.</exception>
    public static CsvTable KoreV1(EngagementTrend trend) =>
        KoreTrendJson.IsHourly(trend) ? ToTable(KoreTrendJson.ToV1Hourly(trend)) : ToTable(KoreTrendJson.ToV1Daily(trend));

    /// <summary>The table of the Kore.ai v2 document of a trend (<see cref="KoreTrendJson.SerializeV2"/>), hourly or daily.</summary>
    /// <exception cref="ArgumentException">The trend is neither hourly nor daily.</exception>
    public static CsvTable KoreV2(EngagementTrend trend) =>
        KoreTrendJson.IsHourly(trend) ? ToTable(KoreTrendJson.ToV2Hourly(trend)) : ToTable(KoreTrendJson.ToV2Daily(trend));

    /// <summary>The table of Rocket.Chat's hourly-data document (<see cref="RocketChatJson.SerializeHourly"/>).</summary>
    public static CsvTable ChatBusierHourly(ChatBusierHourly data) => ToTable(RocketChatJson.ToHourly(data));

    /// <summary>The table of Rocket.Chat's weekly-data document (<see cref="RocketChatJson.SerializeWeekly"/>).</summary>
    public static CsvTable ChatBusierWeekly(ChatBusierWeekly data) => ToTable(RocketChatJson.ToWeekly(data));

    /// <summary>The table of a statistics result in a format: the row array or the series document (<see cref="StatisticsJson.Serialize(StatisticsResult, StatisticsFormat, bool)"/>).</summary>
    /// <exception cref="ArgumentException">Rows of a result computed without <see cref="StatisticsBreakdown.BotAndChannel"/>.</exception>
    public static CsvTable Statistics(StatisticsResult result, StatisticsFormat format) => format switch
    {
        StatisticsFormat.Rows => ToTable(StatisticsJson.ToRows(result)),
        _ => ToTable(StatisticsJson.ToDocument(result)),
    };

    // The 24 hour columns "0 - 1" ... "23 - 0" of an hourly point, after the columns given.
    private static CsvColumns<TRow> WithHours<TRow>(CsvColumns<TRow> columns, Func<TRow, KoreHourlyPoint> point)
    {
        for (var h = 0; h < 24; h++)
        {
            var hour = h;
            columns = columns.Add(KoreTrendJson.HourlyKeys[h], r => point(r).Hours[hour]);
        }

        return columns;
    }

    private static void CheckHours(IEnumerable<KoreHourlyPoint> points, string parameterName)
    {
        foreach (var point in points)
        {
            if (point.Hours.Length != 24)
            {
                throw new ArgumentException($"An hourly data point needs 24 hours; {point.Date} has {point.Hours.Length}.", parameterName);
            }
        }
    }

    // The points of the three series, in document order, each with its series' field name.
    private static List<(string Trend, TPoint Point)> TrendPoints<TPoint>(KoreV2Response<TPoint> document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var points = new List<(string, TPoint)>(document.UniqueUsersTrend.DataPoints.Count * 3);
        points.AddRange(document.UniqueUsersTrend.DataPoints.Select(p => ("uniqueUsersTrend", p)));
        points.AddRange(document.NewUsersTrend.DataPoints.Select(p => ("newUsersTrend", p)));
        points.AddRange(document.ReturningUsersTrend.DataPoints.Select(p => ("returningUsersTrend", p)));
        return points;
    }
}
