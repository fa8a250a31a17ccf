using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Storage;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EngagementMetrics.Benchmarks;

/// <summary>
/// What the query benchmarks share: the hourly v2 trend of the log's largest bot (st-support, Asia/Kolkata, the 30 days
/// from 2025-06-01, no filter) over <see cref="IngestData"/>'s log, the in-memory store every other store must answer
/// like, and stores kept between runs (ingested once, checked against the in-memory store before every run).
/// </summary>
internal sealed class QueryFixture
{
    /// <summary>The bot queried: the largest of the log's three.</summary>
    public const string Bot = "st-support";

    private readonly int _events;

    /// <summary>Builds the log file (once), the in-memory store and its answer.</summary>
    public QueryFixture(int events)
    {
        _events = events;
        Query = new TrendQuery
        {
            BotId = Bot,
            StartDate = new DateOnly(2025, 6, 1),
            EndDate = new DateOnly(2025, 6, 30),
            TimeZone = TimeZoneParser.Parse("Asia/Kolkata"),
            Aggregation = TrendAggregation.Hourly,
        };
        File = IngestData.EnsureFile(events);
        var store = new InMemoryInteractionStore();
        Ingest(store, "in-memory");
        InMemoryStore = store;
        InMemory = new EngagementEngine(store);
        Expected = Document(InMemory);
    }

    public TrendQuery Query { get; }

    public string File { get; }

    /// <summary>The in-memory store, filled from the log.</summary>
    public InMemoryInteractionStore InMemoryStore { get; }

    /// <summary>The baseline engine: the in-memory store.</summary>
    public EngagementEngine InMemory { get; }

    /// <summary>The in-memory store's answer (the v2 document), which every store must give.</summary>
    public string Expected { get; }

    /// <summary>One query: what the benchmarks measure.</summary>
    public int Trend(EngagementEngine engine) => engine.GetTrendAsync(Query).AsTask().GetAwaiter().GetResult().Summary.UniqueUsers;

    /// <summary>
    /// A kept store: reused when it answers like the in-memory store, else rebuilt (<paramref name="reset"/>, then
    /// <paramref name="create"/> again) and filled from the log.
    /// </summary>
    public T Kept<T>(string name, Func<T> create, Action<T> reset)
        where T : IInteractionStore
    {
        var store = create();
        if (Answers(store, name))
        {
            return store;
        }

        reset(store);
        store = create();
        Ingest(store, name);
        return store;
    }

    // True when the store already holds the log: it answers the query exactly as the in-memory store.
    private bool Answers(IInteractionStore store, string name)
    {
        try
        {
            if (Document(new EngagementEngine(store)) == Expected)
            {
                Console.WriteLine($"// {name}: reusing the ingested log ({_events:N0} events)");
                return true;
            }

            Console.WriteLine($"// {name}: the kept store does not answer like the in-memory store; rebuilding it");
        }
        catch (Exception ex) when (ex is BotNotFoundException or EngagementStoreException or SqliteException or NpgsqlException or InvalidDataException)
        {
            Console.WriteLine($"// {name}: no usable kept store ({ex.GetType().Name}: {ex.Message.Split('\n')[0]}); ingesting");
        }

        return false;
    }

    /// <summary>An engine over <paramref name="store"/> (which must already hold the log), checked to answer as the in-memory store.</summary>
    public EngagementEngine Checked(string name, IInteractionStore store)
    {
        var engine = new EngagementEngine(store);
        if (Document(engine) != Expected)
        {
            throw new InvalidOperationException($"{name} answers the benchmark query differently from the in-memory store.");
        }

        return engine;
    }

    private void Ingest(IInteractionStore store, string name)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = IngestPaths.IngestFileAsync(File, store).GetAwaiter().GetResult();
        Console.WriteLine($"// {name}: ingested {result} in {watch.Elapsed.TotalSeconds:N1} s");
        if (result.Stored != _events)
        {
            throw new InvalidOperationException($"{name}: stored {result.Stored} of {_events} events.");
        }

        if (Expected is not null && Document(new EngagementEngine(store)) != Expected)
        {
            throw new InvalidOperationException($"{name} answers the benchmark query differently from the in-memory store.");
        }
    }

    private string Document(EngagementEngine engine) => KoreTrendJson.SerializeV2(engine.GetTrendAsync(Query).AsTask().GetAwaiter().GetResult());
}
