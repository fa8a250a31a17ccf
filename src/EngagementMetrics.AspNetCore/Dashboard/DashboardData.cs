using EngagementMetrics.Lifecycle;
using EngagementMetrics.Retention;
using EngagementMetrics.Statistics;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.AspNetCore.Dashboard;

/// <summary>
/// Everything one dashboard page shows, from the same engine calls as the HTTP APIs: the trend (v2's buckets and
/// summary), lifecycle (by the trend's hour or day) and retention (day cohorts, or week cohorts for a period longer
/// than 31 days; 8 intervals), chat busier (Rocket.Chat's hourly and weekly data, for the 24 hours and 7 days that end with the period)
/// and the statistics (every type, by day, over the period's last days, at most 30, as the statistics API computes them
/// on the period's last day).
/// </summary>
internal sealed record DashboardData(
    DashboardRequest Request,
    EngagementTrend Trend,
    LifecycleReport Lifecycle,
    RetentionReport Retention,
    ChatBusierHourly BusierHourly,
    ChatBusierWeekly BusierWeekly,
    StatisticsResult Statistics)
{
    /// <summary>The longest statistics window the statistics API allows.</summary>
    private const int MaxStatisticsDays = 30;

    /// <summary>The longest period whose retention cohorts are days; a longer one has week cohorts.</summary>
    private const int MaxDayCohortDays = 31;

    /// <exception cref="BotNotFoundException">The bot has no events.</exception>
    /// <exception cref="EngagementValidationException">The period is reversed or too long.</exception>
    public static async Task<DashboardData> LoadAsync(DashboardRequest request, IInteractionStore store, EngagementEngine engine, CancellationToken cancellationToken)
    {
        var query = request.Query;
        var trend = await engine.GetTrendAsync(query, cancellationToken).ConfigureAwait(false);
        var lifecycle = await engine.GetLifecycleAsync(
            new LifecycleQuery
            {
                BotId = query.BotId, StartDate = query.StartDate, EndDate = query.EndDate, TimeZone = query.TimeZone, Channels = query.Channels,
                ConversationType = query.ConversationType, ConversationStatus = query.ConversationStatus,
                Aggregation = query.Aggregation == TrendAggregation.Hourly ? LifecycleAggregation.Hour : LifecycleAggregation.Day,
            },
            cancellationToken).ConfigureAwait(false);
        var retention = await engine.GetRetentionAsync(
            new RetentionQuery
            {
                BotId = query.BotId, StartDate = query.StartDate, EndDate = query.EndDate, TimeZone = query.TimeZone, Channels = query.Channels,
                ConversationType = query.ConversationType, ConversationStatus = query.ConversationStatus,
                Interval = query.Days > MaxDayCohortDays ? RetentionInterval.Week : RetentionInterval.Day,
            },
            cancellationToken).ConfigureAwait(false);
        var periodEnd = EndOf(query);
        var hourly = await engine.GetChatBusierHourlyAsync(query.BotId, periodEnd, query.TimeZone, cancellationToken).ConfigureAwait(false);
        var weekly = await engine.GetChatBusierWeeklyAsync(query.BotId, periodEnd, query.TimeZone, cancellationToken).ConfigureAwait(false);
        var statistics = await StatisticsAsync(query, periodEnd, store, engine, cancellationToken).ConfigureAwait(false);
        return new DashboardData(request, trend, lifecycle, retention, hourly, weekly, statistics);
    }

    /// <summary>The instant the period ends: the start of the local day after its last day (the first valid local time of that day).</summary>
    public static DateTimeOffset EndOf(TrendQuery query)
    {
        var local = query.EndDate.AddDays(1).ToDateTime(TimeOnly.MinValue);
        while (query.TimeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var utc = TimeZoneInfo.ConvertTimeToUtc(local, query.TimeZone);
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }

    private static async Task<StatisticsResult> StatisticsAsync(TrendQuery query, DateTimeOffset periodEnd, IInteractionStore store, EngagementEngine engine, CancellationToken cancellationToken)
    {
        string account;
        var snapshot = await store.OpenSnapshotAsync(query.BotId, cancellationToken).ConfigureAwait(false) ?? throw new BotNotFoundException(query.BotId);
        await using (snapshot.ConfigureAwait(false))
        {
            account = snapshot.AccountId;
        }

        // The statistics API's window is "the last N days ending today": here today is the period's last day.
        var clock = new FixedClock(periodEnd.AddTicks(-1));
        var history = store as IEventHistory ?? throw new InvalidOperationException($"{store.GetType().Name} does not implement IEventHistory, which the statistics need.");
        var statistics = new StatisticsEngine(store, history, engine, clock, new CallThrottle(clock), Options.Create(new StatisticsThrottleOptions()));
        return await statistics.GetStatisticsAsync(
            new StatisticsQuery
            {
                AccountId = account,
                Bot = query.BotId,
                Types = Enum.GetValues<StatisticType>(),
                GroupMode = StatisticsGroupMode.Day,
                Days = Math.Min(MaxStatisticsDays, query.Days),
                TimeZone = query.TimeZone,
                Scope = StatisticsScope.Bot,
            },
            cancellationToken).ConfigureAwait(false);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
