using System.Buffers;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.Trends;

/// <summary>
/// Answers engagement questions from an <see cref="IInteractionStore"/>: unique, new and returning users per local
/// bucket, exactly as the semantics define them, in any time zone.
/// </summary>
/// <remarks>
/// Thread-safe: one instance serves concurrent queries (register it as a singleton). Each query reads one consistent
/// snapshot of the bot, in one pass over its time-ordered activity, without allocating per event.
/// </remarks>
public sealed partial class EngagementEngine
{
    private readonly IInteractionStore _store;
    private readonly EngagementMetricsOptions _options;

    /// <summary>Creates an engine over a store.</summary>
    public EngagementEngine(IInteractionStore store, IOptions<EngagementMetricsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options.Value;
    }

    /// <summary>Creates an engine over a store with default options.</summary>
    public EngagementEngine(IInteractionStore store)
        : this(store, Options.Create(new EngagementMetricsOptions()))
    {
    }

    /// <summary>Computes an engagement trend.</summary>
    /// <param name="query">The question.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>Every bucket of the period and the summary.</returns>
    /// <exception cref="EngagementValidationException">The bot id is empty, the period is reversed or longer than <see cref="EngagementMetricsOptions.MaxPeriodDays"/>.</exception>
    /// <exception cref="BotNotFoundException">The store holds no event of the bot.</exception>
    public ValueTask<EngagementTrend> GetTrendAsync(TrendQuery query, CancellationToken cancellationToken = default) =>
        QueryTelemetry.MeasureAsync("trend", _store, query?.BotId, telemetry =>
        {
            TagPeriod(telemetry, query)?.SetTag("engagement.aggregation", query!.Aggregation.ToString());
            return ComputeTrendAsync(query!, telemetry, cancellationToken);
        });

    private async ValueTask<EngagementTrend> ComputeTrendAsync(TrendQuery query, QueryTelemetry telemetry, CancellationToken cancellationToken)
    {
        Validate(query);
        ValidateDefined(query.Aggregation, nameof(TrendQuery.Aggregation));
        var plan = BucketPlan.Create(query);
        return await CountAsync(
            query,
            plan,
            (users, firstSeen) => new TrendAccumulator(plan, users, firstSeen),
            accumulator => BuildResult(query, plan, accumulator),
            telemetry,
            cancellationToken).ConfigureAwait(false);
    }

    // The query's common tags on its activity; null when nobody listens.
    private static System.Diagnostics.Activity? TagPeriod(QueryTelemetry telemetry, PeriodQuery? query)
    {
        if (telemetry.Activity is not { } activity || query is null)
        {
            return null;
        }

        activity.SetTag("engagement.time_zone", query.TimeZone?.Id);
        activity.SetTag("engagement.start_date", Iso(query.StartDate));
        activity.SetTag("engagement.end_date", Iso(query.EndDate));
        return activity;
    }

    // The one scan behind every per-bucket question: opens the bot's snapshot, builds the counter from its user count
    // and first-seen instants, feeds it the activity over the plan's instants in time order through the query's
    // filters (a struct type argument per filter shape, so the unfiltered loop pays nothing), and reads the result.
    private async ValueTask<TResult> CountAsync<TCounter, TResult>(
        PeriodQuery query,
        BucketPlan plan,
        Func<int, ReadOnlyMemory<long>, TCounter> createCounter,
        Func<TCounter, TResult> result,
        QueryTelemetry telemetry,
        CancellationToken cancellationToken)
        where TCounter : IActivityCounter
    {
        var snapshot = await _store.OpenSnapshotAsync(query.BotId, cancellationToken).ConfigureAwait(false) ?? throw new BotNotFoundException(query.BotId);
        await using (snapshot.ConfigureAwait(false))
        {
            var firstSeen = await snapshot.GetFirstSeenAsync(cancellationToken).ConfigureAwait(false);
            using var counter = createCounter(snapshot.UserCount, firstSeen);
            await ScanAsync(snapshot, query, plan, counter, telemetry, cancellationToken).ConfigureAwait(false);
            return result(counter);
        }
    }

    private static async ValueTask ScanAsync(IActivitySnapshot snapshot, PeriodQuery query, BucketPlan plan, IActivityCounter counter, QueryTelemetry telemetry, CancellationToken cancellationToken)
    {
        var channelAllowed = ChannelMask(query, snapshot);
        var conversationAllowed = await ConversationMaskAsync(query, snapshot, cancellationToken).ConfigureAwait(false);
        try
        {
            var allowNone = query.ConversationType == ConversationTypeFilter.All && query.ConversationStatus == ConversationStatusFilter.All;

            // Only the columns the filters read: a store need not read the others at all.
            var columns = (channelAllowed is null ? ActivityColumns.TimeAndUser : ActivityColumns.Channels)
                | (conversationAllowed is null ? ActivityColumns.TimeAndUser : ActivityColumns.Conversations);
            await foreach (var batch in snapshot.ScanAsync(plan.ScanFromUtcTicks, plan.ScanToUtcTicks, columns, cancellationToken).ConfigureAwait(false))
            {
                telemetry.Scanned(batch.Count);
                if (channelAllowed is null && conversationAllowed is null)
                {
                    counter.Add(batch, default(PassAllFilter));
                }
                else if (conversationAllowed is null)
                {
                    counter.Add(batch, new ChannelFilter(channelAllowed!));
                }
                else if (channelAllowed is null)
                {
                    counter.Add(batch, new ConversationFilter(conversationAllowed, allowNone));
                }
                else
                {
                    counter.Add(batch, new ChannelAndConversationFilter(channelAllowed, conversationAllowed, allowNone));
                }
            }

            counter.Complete();
        }
        finally
        {
            if (conversationAllowed is not null)
            {
                ArrayPool<bool>.Shared.Return(conversationAllowed);
            }
        }
    }

    // Errors name the query's property (EndDate), in the core's words; the protocol layers (TrendQueryBinder) name the
    // wire parameter instead (end_date, --end-date).
    private void Validate(PeriodQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrWhiteSpace(query.BotId))
        {
            throw new EngagementValidationException(nameof(PeriodQuery.BotId), query.BotId, "BotId is required");
        }

        ArgumentNullException.ThrowIfNull(query.TimeZone, nameof(query.TimeZone));
        if (query.EndDate < query.StartDate)
        {
            throw new EngagementValidationException(
                nameof(PeriodQuery.EndDate),
                Iso(query.EndDate),
                $"EndDate {Iso(query.EndDate)} is before StartDate {Iso(query.StartDate)}");
        }

        if (query.Days > _options.MaxPeriodDays)
        {
            throw new EngagementValidationException(
                nameof(PeriodQuery.EndDate),
                Iso(query.EndDate),
                $"the period {Iso(query.StartDate)} to {Iso(query.EndDate)} is {query.Days} days; at most {_options.MaxPeriodDays} are allowed");
        }

        if (query.StartDate.Year < 2)
        {
            throw new EngagementValidationException(nameof(PeriodQuery.StartDate), Iso(query.StartDate), "dates must lie between years 2 and 9998");
        }

        if (query.EndDate.Year > 9998)
        {
            throw new EngagementValidationException(nameof(PeriodQuery.EndDate), Iso(query.EndDate), "dates must lie between years 2 and 9998");
        }

        ValidateDefined(query.ConversationType, nameof(PeriodQuery.ConversationType));
        ValidateDefined(query.ConversationStatus, nameof(PeriodQuery.ConversationStatus));
    }

    private static void ValidateDefined<TEnum>(TEnum value, string property)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new EngagementValidationException(property, value.ToString(), $"{property} {value} is not defined");
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static bool[]? ChannelMask(PeriodQuery query, IActivitySnapshot snapshot)
    {
        if (query.Channels is not { Count: > 0 } wanted)
        {
            return null;
        }

        var channels = snapshot.Channels;
        var mask = new bool[Math.Max(1, channels.Count)];
        for (var i = 0; i < channels.Count; i++)
        {
            foreach (var name in wanted)
            {
                if (string.Equals(channels[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    mask[i] = true;
                    break;
                }
            }
        }

        return mask;
    }

    private static async ValueTask<bool[]?> ConversationMaskAsync(PeriodQuery query, IActivitySnapshot snapshot, CancellationToken cancellationToken)
    {
        if (query.ConversationType == ConversationTypeFilter.All && query.ConversationStatus == ConversationStatusFilter.All)
        {
            return null;
        }

        var count = snapshot.ConversationCount;
        var facts = ArrayPool<ConversationFacts>.Shared.Rent(Math.Max(1, count));
        var mask = ArrayPool<bool>.Shared.Rent(Math.Max(1, count));
        try
        {
            await snapshot.CopyConversationFactsAsync(facts.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                var f = facts[i];
                var interactive = (f & ConversationFacts.Interactive) != 0;
                var closed = (f & ConversationFacts.Closed) != 0;
                mask[i] = query.ConversationType switch
                {
                    ConversationTypeFilter.Interactive => interactive,
                    ConversationTypeFilter.NonInteractive => !interactive,
                    _ => true,
                } && query.ConversationStatus switch
                {
                    ConversationStatusFilter.Active => !closed,
                    ConversationStatusFilter.Closed => closed,
                    _ => true,
                };
            }
        }
        catch
        {
            ArrayPool<bool>.Shared.Return(mask);
            throw;
        }
        finally
        {
            ArrayPool<ConversationFacts>.Shared.Return(facts);
        }

        return mask;
    }

    private static EngagementTrend BuildResult(TrendQuery query, BucketPlan plan, TrendAccumulator accumulator)
    {
        var buckets = new TrendBucket[plan.BucketCount];
        for (var b = 0; b < buckets.Length; b++)
        {
            var unique = accumulator.Unique[b];
            var fresh = accumulator.New[b];
            buckets[b] = new TrendBucket(plan.BucketLocalStart[b], unique, fresh, unique - fresh);
        }

        var days = query.Days;
        var periodUnique = accumulator.PeriodUnique;
        var periodNew = accumulator.PeriodNew;
        var returning = periodUnique - periodNew;
        var summary = new TrendSummary(
            periodUnique,
            periodNew,
            returning,
            PerDayAverage.Compute(periodUnique, days),
            PerDayAverage.Compute(periodNew, days),
            PerDayAverage.Compute(returning, days));
        return new EngagementTrend(query, buckets, summary);
    }
}
