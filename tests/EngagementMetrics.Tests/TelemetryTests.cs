using System.Diagnostics;
using System.Diagnostics.Metrics;
using EngagementMetrics.InMemory;
using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Statistics;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

/// <summary>
/// What the engines report through the EngagementMetrics meter and activity source, as a host's OpenTelemetry would
/// collect it. Runs alone (the listeners hear the whole process).
/// </summary>
[Collection(nameof(HeapMeasurementCollection))]
public sealed class TelemetryTests : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly List<Activity> _stopped = [];

    public TelemetryTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EngagementDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == EngagementDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_stopped)
                {
                    _stopped.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }

    [Fact]
    public async Task A_trend_records_its_duration_the_events_it_scanned_and_an_activity()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync([Event("a", "2025-01-01T10:00:00Z"), Event("b", "2025-01-01T11:00:00Z"), Event("a", "2025-01-02T10:00:00Z"), Event("c", "2025-03-01T10:00:00Z")]);

        await new EngagementEngine(store).GetTrendAsync(new TrendQuery { BotId = Bot, StartDate = new DateOnly(2025, 1, 1), EndDate = new DateOnly(2025, 1, 31) });

        var duration = Measurements("engagement.query.duration").Should().ContainSingle().Subject;
        duration.Value.Should().BeGreaterThan(0);
        duration.Tags.Should().Contain("engagement.query", "trend").And.Contain("engagement.store", nameof(InMemoryInteractionStore)).And.NotContainKey("error.type");
        Measurements("engagement.events.scanned").Should().ContainSingle().Which.Value.Should().Be(3, "the three events of January; March is outside the scan");
        var activity = Activities("engagement trend").Should().ContainSingle().Subject;
        activity.GetTagItem("engagement.bot").Should().Be(Bot);
        activity.GetTagItem("engagement.time_zone").Should().Be("UTC");
        activity.GetTagItem("engagement.events_scanned").Should().Be(3L);
        activity.Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Fact]
    public async Task Lifecycle_and_retention_are_measured_as_queries_that_scan_from_the_bucket_before_the_period()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync([Event("a", "2024-12-31T10:00:00Z"), Event("a", "2025-01-01T10:00:00Z"), Event("b", "2025-01-06T11:00:00Z"), Event("c", "2025-03-01T10:00:00Z")]);
        var engine = new EngagementEngine(store);

        await engine.GetLifecycleAsync(new LifecycleQuery { BotId = Bot, StartDate = new DateOnly(2025, 1, 1), EndDate = new DateOnly(2025, 1, 31), Aggregation = LifecycleAggregation.Week });
        await engine.GetRetentionAsync(new RetentionQuery { BotId = Bot, StartDate = new DateOnly(2025, 1, 1), EndDate = new DateOnly(2025, 1, 5), Periods = 3 });

        Measurements("engagement.query.duration").Select(m => m.Tags["engagement.query"]).Should().Equal("lifecycle", "retention");
        Measurements("engagement.events.scanned").Select(m => m.Value).Should().Equal([3, 1], "the lifecycle reads from the ISO week before 2025-W01 (Monday 2024-12-23); the retention only its five days");
        var lifecycle = Activities("engagement lifecycle").Should().ContainSingle().Subject;
        lifecycle.GetTagItem("engagement.aggregation").Should().Be("Week");
        lifecycle.GetTagItem("engagement.start_date").Should().Be("2025-01-01");
        var retention = Activities("engagement retention").Should().ContainSingle().Subject;
        retention.GetTagItem("engagement.interval").Should().Be("Day");
        retention.GetTagItem("engagement.periods").Should().Be(3);
    }

    [Fact]
    public async Task A_failed_query_is_measured_with_its_error_type_and_an_error_status()
    {
        var engine = new EngagementEngine(new InMemoryInteractionStore());

        var act = async () => await engine.GetTrendAsync(new TrendQuery { BotId = "nobody", StartDate = new DateOnly(2025, 1, 1), EndDate = new DateOnly(2025, 1, 2) });

        await act.Should().ThrowAsync<BotNotFoundException>();
        Measurements("engagement.query.duration").Should().ContainSingle().Which.Tags.Should().Contain("error.type", typeof(BotNotFoundException).FullName);
        Activities("engagement trend").Should().ContainSingle().Which.Status.Should().Be(ActivityStatusCode.Error);
    }

    [Fact]
    public async Task A_statistics_query_is_one_measurement_whose_trends_are_child_activities_counted_in_it()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync([Event("a", "2025-12-06T10:00:00Z"), Event("b", "2025-12-07T09:00:00Z")]);
        var engine = new StatisticsEngine(store, new FixedClock(new DateTimeOffset(2025, 12, 7, 12, 0, 0, TimeSpan.Zero)));

        await engine.GetStatisticsAsync(new StatisticsQuery { AccountId = "default", Bot = Bot, Types = [StatisticType.ActiveUser, StatisticType.Messages], Days = 2 });

        Measurements("engagement.query.duration").Should().ContainSingle("the trend inside is not a query of its own").Which.Tags.Should().Contain("engagement.query", "statistics");
        Measurements("engagement.events.scanned").Should().ContainSingle().Which.Value.Should().Be(4, "two activity events for the users, two whole events for the messages");
        var statistics = Activities("engagement statistics").Should().ContainSingle().Subject;
        Activities("engagement trend").Should().ContainSingle().Which.ParentSpanId.Should().Be(statistics.SpanId);
    }

    [Fact]
    public async Task An_append_counts_stored_duplicate_and_rejected_events_and_is_an_activity()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync([Event("a", "2025-01-01T10:00:00Z", eventId: "e1")]);
        _measurements.Clear();

        var result = await store.AppendAsync(
            [Event("a", "2025-01-01T10:00:00Z", eventId: "e1"), Event("b", "2025-01-01T11:00:00Z", eventId: "e2"), Event("", "2025-01-01T12:00:00Z"), Event("c", "2025-01-01T13:00:00Z", eventId: "e3")],
            EngagementMetrics.Storage.AppendMode.Lenient);

        result.Stored.Should().Be(2);
        Measurements("engagement.events.appended").Should().ContainSingle().Which.Should().Match<(string, double Value, Dictionary<string, object?> Tags)>(m => m.Value == 2 && (string?)m.Tags["engagement.store"] == nameof(InMemoryInteractionStore));
        Measurements("engagement.events.duplicates").Should().ContainSingle().Which.Value.Should().Be(1);
        Measurements("engagement.events.rejected").Should().ContainSingle().Which.Value.Should().Be(1);
        var append = Activities("engagement append").Last();
        append.GetTagItem("engagement.events").Should().Be(4);
        append.GetTagItem("engagement.stored").Should().Be(2);

        var strict = async () => await store.AppendAsync([Event("", "2025-01-01T12:00:00Z")]);
        await strict.Should().ThrowAsync<EventBatchRejectedException>();
        Measurements("engagement.events.rejected").Last().Value.Should().Be(1, "a refused strict batch counts its rejections");
        Activities("engagement append").Last().Status.Should().Be(ActivityStatusCode.Error);
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements(string name)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == name).ToList();
        }
    }

    private List<Activity> Activities(string name)
    {
        lock (_stopped)
        {
            return _stopped.Where(a => a.DisplayName == name).ToList();
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var (key, tag) in tags)
        {
            copy[key] = tag;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
