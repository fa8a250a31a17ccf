using System.Globalization;
using EngagementMetrics.Events;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.Statistics;

/// <summary>
/// Account and bot statistics (the Xenioo-style endpoint): 19 metric types per local hour, day, month or year over the
/// last 1 to 30 local days ending today. The rules are those of the trends (activity, first seen, local buckets).
/// </summary>
/// <remarks>
/// <para>Thread-safe; register as a singleton. "Today" comes from the <see cref="TimeProvider"/>.</para>
/// <para>The window's buckets are clipped to the window, as trend buckets are clipped to the period: a month bucket of
/// a 7-day window holds the window's days of that month, and "new" means first seen within that part.</para>
/// <para>For <c>*</c> the bots of the account are computed one by one and combined: counts add up, distinct users
/// too (users are scoped per bot, so a person talking to two bots counts twice), means pool their samples and the
/// takeover rate pools its conversations.</para>
/// </remarks>
public sealed class StatisticsEngine
{
    private readonly IInteractionStore _store;
    private readonly IEventHistory _history;
    private readonly TimeProvider _time;
    private readonly EngagementEngine _trends;
    private readonly CallThrottle _throttle;
    private readonly IOptions<StatisticsThrottleOptions> _limits;

    /// <summary>
    /// Creates the statistics engine over a store that keeps whole events (<see cref="IEventHistory"/>), with its own
    /// trend engine and a throttle of the default limits. A host registers it with <c>AddEngagementMetrics()</c> instead.
    /// </summary>
    /// <exception cref="ArgumentException">The store does not implement <see cref="IEventHistory"/>.</exception>
    public StatisticsEngine(IInteractionStore store, TimeProvider timeProvider, IOptions<EngagementMetricsOptions>? options = null)
        : this(
            store,
            store as IEventHistory ?? throw new ArgumentException($"{store?.GetType().Name} does not keep whole events (IEventHistory); statistics need them.", nameof(store)),
            new EngagementEngine(store!, options ?? Options.Create(new EngagementMetricsOptions())),
            timeProvider,
            new CallThrottle(timeProvider ?? throw new ArgumentNullException(nameof(timeProvider))),
            Options.Create(new StatisticsThrottleOptions()))
    {
    }

    /// <summary>Creates the statistics engine from its parts (what <c>AddEngagementMetrics()</c> registers).</summary>
    /// <param name="store">The store: snapshots say whether a bot exists and whose it is.</param>
    /// <param name="history">The store's whole events (usually the same object as <paramref name="store"/>).</param>
    /// <param name="trends">The trend engine over the same store (new, returning and active users).</param>
    /// <param name="timeProvider">The clock of "today".</param>
    /// <param name="throttle">The throttle of <see cref="GetThrottledStatisticsAsync"/>.</param>
    /// <param name="throttleOptions">The throttle's intervals.</param>
    public StatisticsEngine(IInteractionStore store, IEventHistory history, EngagementEngine trends, TimeProvider timeProvider, CallThrottle throttle, IOptions<StatisticsThrottleOptions> throttleOptions)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _history = history ?? throw new ArgumentNullException(nameof(history));
        _trends = trends ?? throw new ArgumentNullException(nameof(trends));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _throttle = throttle ?? throw new ArgumentNullException(nameof(throttle));
        _limits = throttleOptions ?? throw new ArgumentNullException(nameof(throttleOptions));
    }

    /// <summary>Computes the statistics of the window ending today.</summary>
    /// <exception cref="EngagementValidationException">A parameter is out of range (the exception names it), or the
    /// window ending at the clock's "now" leaves years 2 to 9998 (parameter <c>now</c>).</exception>
    /// <exception cref="BotNotFoundException">The bot is not in the caller's account, or the account has no bots (for <c>*</c>).</exception>
    public ValueTask<StatisticsResult> GetStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken = default) =>
        MeasuredAsync(query, throttled: false, cancellationToken);

    /// <summary>
    /// Like <see cref="GetStatisticsAsync"/>, but admitted by the engine's throttle: one call per account per
    /// <see cref="StatisticsThrottleOptions.AccountInterval"/> in the account scope, one per bot per
    /// <see cref="StatisticsThrottleOptions.BotInterval"/> in the bot scope. Invalid requests and unknown bots are
    /// refused before the throttle and do not use up the caller's call.
    /// </summary>
    /// <exception cref="EngagementThrottledException">Too soon; <see cref="EngagementThrottledException.RetryAfter"/> says how long to wait.</exception>
    public ValueTask<StatisticsResult> GetThrottledStatisticsAsync(StatisticsQuery query, CancellationToken cancellationToken = default) =>
        MeasuredAsync(query, throttled: true, cancellationToken);

    // The query's telemetry; the trends it asks for count their scanned events in it.
    private ValueTask<StatisticsResult> MeasuredAsync(StatisticsQuery query, bool throttled, CancellationToken cancellationToken) =>
        QueryTelemetry.MeasureAsync("statistics", _store, query?.Bot, _ => ComputeAsync(query!, throttled, cancellationToken));

    private async ValueTask<StatisticsResult> ComputeAsync(StatisticsQuery query, bool throttled, CancellationToken cancellationToken)
    {
        Validate(query);
        var zone = query.TimeZone;
        var (from, today) = Window(_time.GetUtcNow(), zone, query.Days);
        var aggregation = query.GroupMode switch
        {
            StatisticsGroupMode.Hour => TrendAggregation.Hourly,
            StatisticsGroupMode.Day => TrendAggregation.Daily,
            StatisticsGroupMode.Month => TrendAggregation.Monthly,
            _ => TrendAggregation.Yearly,
        };
        var trendQuery = new TrendQuery { BotId = query.Bot, StartDate = from, EndDate = today, TimeZone = zone, Aggregation = aggregation };
        var plan = BucketPlan.Create(trendQuery);
        var bots = await ResolveBotsAsync(query, cancellationToken).ConfigureAwait(false);
        if (throttled)
        {
            var limits = _limits.Value;
            var (key, interval) = query.Scope == StatisticsScope.Account
                ? ("account:" + query.AccountId, limits.AccountInterval)
                : ("bot:" + query.Bot, limits.BotInterval);
            if (!_throttle.TryAcquire(key, interval, out var retryAfter))
            {
                throw new EngagementThrottledException(key, retryAfter);
            }
        }

        var totals = new Totals(plan.BucketCount);
        var needsUsers = query.Types.Any(static t => t <= StatisticType.ActiveUser);
        var needsEvents = query.Types.Any(static t => t > StatisticType.ActiveUser);
        var byChannel = query.Breakdown == StatisticsBreakdown.BotAndChannel ? new List<(string Bot, SortedDictionary<string, Totals> Channels)>(bots.Count) : null;
        foreach (var bot in bots)
        {
            if (needsUsers)
            {
                AddUsers(await _trends.GetTrendAsync(trendQuery with { BotId = bot }, cancellationToken).ConfigureAwait(false), totals);
            }

            // The breakdown needs the events even for user types alone: they say which channels have rows.
            if (needsEvents || byChannel is not null)
            {
                var events = await _history.ReadEventsAsync(bot, plan.ScanFromUtcTicks, plan.ScanToUtcTicks, cancellationToken).ConfigureAwait(false);
                QueryTelemetry.ScannedInCurrent(events.Count);
                var channels = byChannel is null ? null : new SortedDictionary<string, Totals>(StringComparer.Ordinal);
                Accumulate(plan, events, totals, channels);
                if (channels is not null)
                {
                    byChannel!.Add((bot, channels));
                    if (needsUsers)
                    {
                        foreach (var (channel, channelTotals) in channels)
                        {
                            // First seen stays over every channel: the trend's channel filter only filters activity.
                            var trend = await _trends.GetTrendAsync(trendQuery with { BotId = bot, Channels = [channel] }, cancellationToken).ConfigureAwait(false);
                            AddUsers(trend, channelTotals);
                        }
                    }
                }
            }
        }

        var labels = new string[plan.BucketCount];
        for (var b = 0; b < labels.Length; b++)
        {
            labels[b] = Label(plan.BucketLocalStart[b], query.GroupMode);
        }

        var series = new List<StatisticSeries>(query.Types.Count);
        foreach (var type in query.Types)
        {
            var points = new StatisticPoint[plan.BucketCount];
            for (var b = 0; b < points.Length; b++)
            {
                points[b] = new StatisticPoint(labels[b], totals.Value(type, b));
            }

            series.Add(new StatisticSeries(type, StatisticTypeNames.NameOf(type), points));
        }

        return new StatisticsResult(query.AccountId, query.Bot, query.GroupMode, query.Days, zone, from, today, series)
        {
            Rows = byChannel is null ? [] : Rows(labels, query.Types, byChannel),
            Breakdown = query.Breakdown,
        };
    }

    private static void AddUsers(EngagementTrend trend, Totals totals)
    {
        for (var b = 0; b < trend.Buckets.Count; b++)
        {
            totals.Add(StatisticType.NewUser, b, trend.Buckets[b].NewUsers);
            totals.Add(StatisticType.ReturningUser, b, trend.Buckets[b].ReturningUsers);
            totals.Add(StatisticType.ActiveUser, b, trend.Buckets[b].UniqueUsers);
        }
    }

    // Nested as statistics.md orders them: buckets oldest first, then bots (by id), channels (by name), types (as asked).
    private static StatisticRow[] Rows(string[] labels, IReadOnlyList<StatisticType> types, List<(string Bot, SortedDictionary<string, Totals> Channels)> byChannel)
    {
        var pairs = byChannel.Sum(static b => b.Channels.Count);
        var rows = new StatisticRow[labels.Length * pairs * types.Count];
        var i = 0;
        for (var b = 0; b < labels.Length; b++)
        {
            foreach (var (bot, channels) in byChannel)
            {
                foreach (var (channel, channelTotals) in channels)
                {
                    foreach (var type in types)
                    {
                        rows[i++] = new StatisticRow(labels[b], bot, channel, type, StatisticTypeNames.NameOf(type), channelTotals.Value(type, b));
                    }
                }
            }
        }

        return rows;
    }

    // The last `days` local dates ending today; like a trend's dates they must lie between years 2 and 9998.
    private static (DateOnly From, DateOnly Today) Window(DateTimeOffset now, TimeZoneInfo zone, int days)
    {
        // Two days of margin keep the conversion itself in range (offsets are at most 14 hours).
        const long Margin = 2 * TimeSpan.TicksPerDay;
        if (now.UtcTicks > DateTime.MinValue.Ticks + Margin && now.UtcTicks < DateTime.MaxValue.Ticks - Margin)
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            var from = today.AddDays(1 - days);
            if (from.Year >= 2 && today.Year <= 9998)
            {
                return (from, today);
            }
        }

        throw new EngagementValidationException(
            "now",
            now.ToString("O", CultureInfo.InvariantCulture),
            $"the last {days} local days ({zone.Id}) must lie between years 2 and 9998");
    }

    private static void Validate(StatisticsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.AccountId))
        {
            throw new EngagementValidationException(nameof(StatisticsQuery.AccountId), query.AccountId, "AccountId is required");
        }

        if (string.IsNullOrWhiteSpace(query.Bot))
        {
            throw new EngagementValidationException(nameof(StatisticsQuery.Bot), query.Bot, "Bot (a bot id or *) is required");
        }

        if (query.Types is not { Count: > 0 } || query.Types.Any(static t => !Enum.IsDefined(t)) || query.Types.Distinct().Count() != query.Types.Count)
        {
            throw new EngagementValidationException(nameof(StatisticsQuery.Types), string.Join(',', query.Types?.Select(t => (int)t) ?? []), "Types must name at least one statistic type (0 to 18), each once");
        }

        if (query.Scope == StatisticsScope.Account && query.Types.Contains(StatisticType.TagHit))
        {
            throw new EngagementValidationException(nameof(StatisticsQuery.Types), "18", "type 18 (Tag Hit) is only available in the bot scope");
        }

        if (query.Days is < 1 or > 30)
        {
            throw new EngagementValidationException(nameof(StatisticsQuery.Days), query.Days.ToString(CultureInfo.InvariantCulture), $"Days {query.Days} is not a whole number of days from 1 to 30");
        }

        if (!Enum.IsDefined(query.Breakdown))
        {
            throw new EngagementValidationException(nameof(StatisticsQuery.Breakdown), query.Breakdown.ToString(), $"Breakdown {query.Breakdown} is not defined");
        }

        if (!Enum.IsDefined(query.GroupMode))
        {
            throw new EngagementValidationException(nameof(StatisticsQuery.GroupMode), query.GroupMode.ToString(), $"GroupMode {query.GroupMode} is not defined");
        }

        ArgumentNullException.ThrowIfNull(query.TimeZone, nameof(query.TimeZone));
    }

    // Never another account's data: a bot outside the caller's account is "not found", exactly like a missing one.
    private async ValueTask<IReadOnlyList<string>> ResolveBotsAsync(StatisticsQuery query, CancellationToken cancellationToken)
    {
        if (query.Bot == StatisticsQuery.AllBots)
        {
            var bots = await _history.GetBotIdsAsync(query.AccountId, cancellationToken).ConfigureAwait(false);
            return bots.Count > 0 ? bots : throw new BotNotFoundException(StatisticsQuery.AllBots);
        }

        var snapshot = await _store.OpenSnapshotAsync(query.Bot, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            throw new BotNotFoundException(query.Bot);
        }

        await using (snapshot.ConfigureAwait(false))
        {
            return string.Equals(snapshot.AccountId, query.AccountId, StringComparison.Ordinal) ? [query.Bot] : throw new BotNotFoundException(query.Bot);
        }
    }

    // Adds the window's events to the totals and, for a breakdown, to their channel's totals (created by the channel's
    // first event in the window: a pair without one has no rows).
    private static void Accumulate(BucketPlan plan, IReadOnlyList<InteractionEvent> events, Totals totals, SortedDictionary<string, Totals>? channels)
    {
        var conversations = new Dictionary<string, List<InteractionEvent>>(StringComparer.Ordinal);
        foreach (var evt in events)
        {
            if (evt.ConversationId is { } id)
            {
                if (!conversations.TryGetValue(id, out var list))
                {
                    conversations[id] = list = [];
                }

                list.Add(evt);
            }

            var b = plan.BucketOf(evt.Timestamp.UtcTicks);
            if (b < 0)
            {
                continue;
            }

            Count(evt, b, totals);
            if (channels is not null)
            {
                var channel = evt.NormalizedChannel;
                if (!channels.TryGetValue(channel, out var channelTotals))
                {
                    channels[channel] = channelTotals = new Totals(plan.BucketCount);
                }

                Count(evt, b, channelTotals);
            }
        }

        foreach (var list in conversations.Values)
        {
            Conversation(plan, list, totals);

            // A conversation's channel is that of its earliest event (the list is in time order, whole history).
            if (channels is not null && channels.TryGetValue(list[0].NormalizedChannel, out var channelTotals))
            {
                Conversation(plan, list, channelTotals);
            }
        }
    }

    private static void Count(InteractionEvent evt, int b, Totals totals)
    {
        switch (evt.Kind)
        {
            case InteractionKind.MessageIn:
                totals.Add(StatisticType.Messages, b, 1);
                totals.Add(StatisticType.IncomingMessage, b, 1);
                totals.Add(evt.IntentMatched switch { true => StatisticType.NlpDetected, false => StatisticType.NlpMissed, _ => null }, b, 1);
                break;
            case InteractionKind.ActionIn:
                totals.Add(StatisticType.Messages, b, 1);
                totals.Add(StatisticType.IncomingMessage, b, 1);
                totals.Add(StatisticType.ActionMessages, b, 1);
                break;
            case InteractionKind.MessageOut:
                totals.Add(StatisticType.Messages, b, 1);
                totals.Add(evt.Fallback == true ? StatisticType.FallbackReply : null, b, 1);
                break;
            case InteractionKind.AgentMessage:
                totals.Add(StatisticType.Messages, b, 1);
                totals.Add(StatisticType.OperatorMessage, b, 1);
                break;
            case InteractionKind.GoalReached:
                totals.Add(StatisticType.GoalReached, b, 1);
                break;
            case InteractionKind.ApiRequest:
                totals.Add(StatisticType.ApiRequest, b, 1);
                totals.Add(evt.Error == true ? StatisticType.ApiRequestError : null, b, 1);
                break;
            case InteractionKind.TagHit:
                totals.Add(StatisticType.TagHit, b, 1);
                break;
        }
    }

    // The conversation metrics, from one conversation's events in time order (its whole history).
    private static void Conversation(BucketPlan plan, List<InteractionEvent> events, Totals totals)
    {
        var start = events[0].Timestamp.UtcTicks;
        long? close = null, firstJoin = null, firstUserMessage = null, firstReply = null, waitSince = null;
        var joined = false;
        foreach (var evt in events)
        {
            var t = evt.Timestamp.UtcTicks;
            switch (evt.Kind)
            {
                case InteractionKind.ConversationClosed:
                    close ??= t;
                    break;
                case InteractionKind.HandoverRequested:
                    waitSince ??= t;
                    break;
                case InteractionKind.AgentJoined:
                    joined = true;
                    if (close is null || t <= close)
                    {
                        firstJoin ??= t;
                    }

                    if (waitSince is { } since)
                    {
                        totals.Sample(StatisticType.TimeToPickUp, plan.BucketOf(t), t - since);
                        waitSince = null;
                    }

                    break;
                case InteractionKind.MessageIn or InteractionKind.ActionIn:
                    firstUserMessage ??= t;
                    break;
                case InteractionKind.MessageOut or InteractionKind.AgentMessage:
                    if (firstUserMessage is not null)
                    {
                        firstReply ??= t;
                    }

                    break;
            }
        }

        if (close is { } closed)
        {
            var closeBucket = plan.BucketOf(closed);
            totals.Sample(StatisticType.ConversationLength, closeBucket, closed - start);
            if (firstJoin is { } join)
            {
                totals.Sample(StatisticType.SupportConversationLength, closeBucket, closed - join);
            }
        }

        if (firstUserMessage is { } asked && firstReply is { } answered)
        {
            totals.Sample(StatisticType.TimeToFirstMessage, plan.BucketOf(asked), answered - asked);
        }

        var startBucket = plan.BucketOf(start);
        if (startBucket >= 0)
        {
            totals.Add(StatisticType.TakeoverRate, startBucket, 1);
            if (joined)
            {
                totals.Taken(startBucket);
            }
        }
    }

    private static string Label(DateTime localStart, StatisticsGroupMode mode) => mode switch
    {
        StatisticsGroupMode.Hour => localStart.ToString("yyyy-MM-dd'T'HH':00'", CultureInfo.InvariantCulture),
        StatisticsGroupMode.Day => localStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        StatisticsGroupMode.Month => localStart.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => localStart.ToString("yyyy", CultureInfo.InvariantCulture),
    };

    // Per type and bucket: a count (or, for means, the sample count), a sum of ticks for means, and takeovers.
    private sealed class Totals(int buckets)
    {
        private const int Types = 19;
        private readonly long[,] _counts = new long[Types, buckets];
        private readonly decimal[,] _sums = new decimal[Types, buckets];
        private readonly long[] _taken = new long[buckets];

        public void Add(StatisticType? type, int bucket, long count)
        {
            if (type is { } t && bucket >= 0)
            {
                _counts[(int)t, bucket] += count;
            }
        }

        public void Sample(StatisticType type, int bucket, long ticks)
        {
            if (bucket >= 0)
            {
                _counts[(int)type, bucket]++;
                _sums[(int)type, bucket] += ticks;
            }
        }

        public void Taken(int bucket) => _taken[bucket]++;

        public decimal? Value(StatisticType type, int bucket)
        {
            var count = _counts[(int)type, bucket];
            switch (type)
            {
                case StatisticType.ConversationLength or StatisticType.TimeToPickUp or StatisticType.SupportConversationLength or StatisticType.TimeToFirstMessage:
                    return count == 0 ? null : Round(_sums[(int)type, bucket] / count / TimeSpan.TicksPerSecond);
                case StatisticType.TakeoverRate:
                    return count == 0 ? null : Round(_taken[bucket] * 100m / count);
                default:
                    return count;
            }
        }

        private static decimal Round(decimal value) => PerDayAverage.Normalize(Math.Round(value, 2, MidpointRounding.AwayFromZero));
    }
}
