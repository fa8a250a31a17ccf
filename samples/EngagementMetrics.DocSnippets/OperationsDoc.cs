using System.Diagnostics.Metrics;

namespace EngagementMetrics.DocSnippets;

/// <summary>The blocks of docs/operations.md.</summary>
internal static class OperationsDoc
{
    public static void Register(IServiceCollection services)
    {
        #region register
        services.AddEngagementMetrics(o => o.MaxPeriodDays = 366)   // options, validated at start
                .UseInMemoryStore();                                  // or .UseSqlite(...), .UsePostgreSql(...)
        #endregion
    }

    public static MeterListener ListenToQueries(TextWriter log)
    {
        #region listen
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == EngagementDiagnostics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, seconds, tags, _) =>
            log.WriteLine($"{instrument.Name} {seconds * 1000:F1} ms {string.Join(' ', tags.ToArray().Select(t => $"{t.Key}={t.Value}"))}"));
        listener.Start();   // engagement.query.duration 2.4 ms engagement.query=trend engagement.store=SqliteInteractionStore
        #endregion
        return listener;
    }
}
