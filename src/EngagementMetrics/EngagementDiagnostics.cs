using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace EngagementMetrics;

/// <summary>
/// The names under which EngagementMetrics reports what it does: a <see cref="Meter"/> and an
/// <see cref="ActivitySource"/>, both named <c>EngagementMetrics</c>, from the base class library (no dependency). A host
/// collects them with OpenTelemetry (<c>AddMeter("EngagementMetrics")</c>, <c>AddSource("EngagementMetrics")</c>) or a
/// <see cref="MeterListener"/> / <see cref="ActivityListener"/>; nothing is recorded while nobody listens.
/// </summary>
/// <remarks>
/// <para><b>Metrics.</b> <c>engagement.events.appended</c>, <c>engagement.events.duplicates</c> and
/// <c>engagement.events.rejected</c> (counters, events) per append, tagged <c>engagement.store</c>;
/// <c>engagement.query.duration</c> (histogram, seconds) and <c>engagement.events.scanned</c> (counter, events) per query,
/// tagged <c>engagement.query</c> (<c>trend</c>, <c>chat_busier.hourly</c>, <c>chat_busier.weekly</c>,
/// <c>statistics</c>), <c>engagement.store</c> (the store's type name) and, when the query failed, <c>error.type</c>.
/// A query made inside another (the statistics' trends) is counted in the outer one.</para>
/// <para><b>Traces.</b> One activity per query (<c>engagement trend</c>, ...) and per append (<c>engagement append</c>),
/// tagged with the bot, and the period, zone and aggregation of a trend; a failed one has status Error.</para>
/// </remarks>
public static class EngagementDiagnostics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "EngagementMetrics";

    /// <summary>The activity source's name.</summary>
    public const string ActivitySourceName = "EngagementMetrics";

    private static readonly string? Version = typeof(EngagementDiagnostics).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(ActivitySourceName, Version);

    internal static readonly Meter Meter = new(MeterName, Version);

    internal static readonly Counter<long> EventsAppended = Meter.CreateCounter<long>("engagement.events.appended", "{event}", "Events stored by appends.");

    internal static readonly Counter<long> EventsDuplicate = Meter.CreateCounter<long>("engagement.events.duplicates", "{event}", "Events skipped because their (bot, event id) was stored already or repeated in the batch.");

    internal static readonly Counter<long> EventsRejected = Meter.CreateCounter<long>("engagement.events.rejected", "{event}", "Events refused by validation or account ownership.");

    internal static readonly Histogram<double> QueryDuration = Meter.CreateHistogram<double>("engagement.query.duration", "s", "How long a query took, from the engine's call to its result.");

    /// <summary>The <c>engagement.store</c> tag of a store: its type's name.</summary>
    internal static string StoreName(object store) => store.GetType().Name;

    internal static readonly Counter<long> EventsScanned = Meter.CreateCounter<long>("engagement.events.scanned", "{event}", "Events a query read from its store (user activity, and whole events for statistics).");
}

/// <summary>
/// One query's telemetry: its activity, its duration and the events it scanned, recorded when disposed. A query
/// started inside another records no metrics of its own; its scanned events count in the outer query.
/// </summary>
internal sealed class QueryTelemetry : IDisposable
{
    private static readonly AsyncLocal<QueryTelemetry?> Current = new();

    private readonly string _query;
    private readonly string _store;
    private readonly QueryTelemetry? _outer;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Activity? _activity;
    private long _scanned;
    private string? _error;

    private QueryTelemetry(string query, string store, QueryTelemetry? outer, string? bot)
    {
        _query = query;
        _store = store;
        _outer = outer;
        _activity = EngagementDiagnostics.Source.StartActivity("engagement " + query);
        _activity?.SetTag("engagement.query", query);
        _activity?.SetTag("engagement.store", store);
        _activity?.SetTag("engagement.bot", bot);
        Current.Value = this;
    }

    public Activity? Activity => _activity;

    public static QueryTelemetry Start(string query, object store, string? bot) => new(query, EngagementDiagnostics.StoreName(store), Current.Value, bot);

    /// <summary>Runs <paramref name="compute"/> as one query: its activity, duration and scanned events, and its failure if it throws.</summary>
    public static async ValueTask<T> MeasureAsync<T>(string query, object store, string? bot, Func<QueryTelemetry, ValueTask<T>> compute)
    {
        using var telemetry = Start(query, store, bot);
        try
        {
            return await compute(telemetry).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            throw;
        }
    }

    /// <summary>Counts events read in the query running in this async flow, if any (history reads of the statistics).</summary>
    public static void ScannedInCurrent(int events) => Current.Value?.Scanned(events);

    public void Scanned(int events)
    {
        for (var scope = this; scope is not null; scope = scope._outer)
        {
            Interlocked.Add(ref scope._scanned, events);
        }
    }

    public void Failed(Exception exception)
    {
        // An inner query's unknown bot is an answer to the outer one (the weekly chat-busier data of a bot without
        // events is empty), not a failure: the outer query records its own outcome.
        if (_outer is not null && exception is BotNotFoundException)
        {
            return;
        }

        _error = exception.GetType().FullName;
        _activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        _activity?.SetTag("error.type", _error);
    }

    public void Dispose()
    {
        Current.Value = _outer;
        _activity?.SetTag("engagement.events_scanned", _scanned);
        _activity?.Dispose();
        if (_outer is not null)
        {
            return;
        }

        var tags = new TagList { { "engagement.query", _query }, { "engagement.store", _store } };
        if (_error is not null)
        {
            tags.Add("error.type", _error);
        }

        EngagementDiagnostics.QueryDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        EngagementDiagnostics.EventsScanned.Add(_scanned, tags);
    }
}
