using System.Buffers;
using System.Globalization;
using System.Numerics;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Trends;

/// <summary>Rocket.Chat's "when is the chat busier" data (engagement dashboard).</summary>
public sealed partial class EngagementEngine
{
    private const int BusierBuckets = 12;

    /// <summary>
    /// Distinct active users in each two-hour bucket of local hours (0-1, 2-3, ..., 22-23) over the 24 hours before
    /// <paramref name="start"/>. All twelve buckets are returned, hour 22 first.
    /// </summary>
    /// <param name="botId">The bot (the Rocket.Chat workspace's bot).</param>
    /// <param name="start">The window's exclusive end.</param>
    /// <param name="timeZone">The zone of the local hours; default UTC (Rocket.Chat itself only knows UTC).</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The buckets; all zero for a bot without events.</returns>
    /// <exception cref="EngagementValidationException">The bot id is empty or <paramref name="start"/> is out of range.</exception>
    public ValueTask<ChatBusierHourly> GetChatBusierHourlyAsync(string botId, DateTimeOffset start, TimeZoneInfo? timeZone = null, CancellationToken cancellationToken = default) =>
        QueryTelemetry.MeasureAsync("chat_busier.hourly", _store, botId, telemetry => ComputeChatBusierHourlyAsync(botId, start, timeZone, telemetry, cancellationToken));

    private async ValueTask<ChatBusierHourly> ComputeChatBusierHourlyAsync(string botId, DateTimeOffset start, TimeZoneInfo? timeZone, QueryTelemetry telemetry, CancellationToken cancellationToken)
    {
        var zone = timeZone ?? TimeZoneInfo.Utc;
        ValidateBusier(botId, start);
        var to = start.UtcTicks;
        var from = to - TimeSpan.TicksPerDay;
        var counts = new int[BusierBuckets];
        var snapshot = await _store.OpenSnapshotAsync(botId, cancellationToken).ConfigureAwait(false);
        if (snapshot is not null)
        {
            await using (snapshot.ConfigureAwait(false))
            {
                // Local hours from the same transition table the trends use: an hourly plan over the window's local dates.
                var plan = BucketPlan.Create(new TrendQuery
                {
                    BotId = botId,
                    // A day of margin each side: a clock stepping back across midnight can revisit the previous date.
                    StartDate = LocalDate(from, zone).AddDays(-1),
                    EndDate = LocalDate(to - 1, zone).AddDays(1),
                    TimeZone = zone,
                    Aggregation = TrendAggregation.Hourly,
                });
                var masks = ArrayPool<ushort>.Shared.Rent(Math.Max(1, snapshot.UserCount));
                try
                {
                    Array.Clear(masks, 0, snapshot.UserCount);
                    var run = -1;
                    await foreach (var batch in snapshot.ScanAsync(from, to, ActivityColumns.TimeAndUser, cancellationToken).ConfigureAwait(false))
                    {
                        telemetry.Scanned(batch.Count);
                        var ticks = batch.UtcTicks.Span;
                        var users = batch.Users.Span;
                        for (var i = 0; i < ticks.Length; i++)
                        {
                            run = run < 0 ? plan.RunOf(ticks[i]) : plan.AdvanceRun(run, ticks[i]);
                            var bucket = plan.RunBucket[run];
                            if (bucket < 0)
                            {
                                continue;
                            }

                            masks[users[i]] |= (ushort)(1 << (plan.BucketLocalStart[bucket].Hour / 2));
                        }
                    }

                    for (var u = 0; u < snapshot.UserCount; u++)
                    {
                        for (var mask = (uint)masks[u]; mask != 0; mask &= mask - 1)
                        {
                            counts[BitOperations.TrailingZeroCount(mask)]++;
                        }
                    }
                }
                finally
                {
                    ArrayPool<ushort>.Shared.Return(masks);
                }
            }
        }

        var hours = new ChatBusierHour[BusierBuckets];
        for (var i = 0; i < BusierBuckets; i++)
        {
            var bucket = BusierBuckets - 1 - i;
            hours[i] = new ChatBusierHour(bucket * 2, counts[bucket]);
        }

        return new ChatBusierHourly(start, zone, hours);
    }

    /// <summary>
    /// Distinct active users per local date from <c>date(start) - 7</c> through <c>date(start)</c>: the dates with at
    /// least one user, newest first.
    /// </summary>
    /// <param name="botId">The bot (the Rocket.Chat workspace's bot).</param>
    /// <param name="start">The instant whose local date ends the window.</param>
    /// <param name="timeZone">The zone of the local dates; default UTC.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <returns>The dates with users; empty for a bot without events.</returns>
    /// <exception cref="EngagementValidationException">The bot id is empty or <paramref name="start"/> is out of range.</exception>
    public ValueTask<ChatBusierWeekly> GetChatBusierWeeklyAsync(string botId, DateTimeOffset start, TimeZoneInfo? timeZone = null, CancellationToken cancellationToken = default) =>
        QueryTelemetry.MeasureAsync("chat_busier.weekly", _store, botId, _ => ComputeChatBusierWeeklyAsync(botId, start, timeZone, cancellationToken));

    private async ValueTask<ChatBusierWeekly> ComputeChatBusierWeeklyAsync(string botId, DateTimeOffset start, TimeZoneInfo? timeZone, CancellationToken cancellationToken)
    {
        var zone = timeZone ?? TimeZoneInfo.Utc;
        ValidateBusier(botId, start);
        var last = LocalDate(start.UtcTicks, zone);
        if (last.AddDays(-7).Year < 2 || last.Year > 9998)
        {
            throw new EngagementValidationException(
                "start",
                start.ToString("O", CultureInfo.InvariantCulture),
                $"the local dates {last.AddDays(-7):yyyy-MM-dd} to {last:yyyy-MM-dd} ({zone.Id}) must lie between years 2 and 9998");
        }
        EngagementTrend trend;
        try
        {
            trend = await GetTrendAsync(
                new TrendQuery { BotId = botId, StartDate = last.AddDays(-7), EndDate = last, TimeZone = zone, Aggregation = TrendAggregation.Daily },
                cancellationToken).ConfigureAwait(false);
        }
        catch (BotNotFoundException)
        {
            return new ChatBusierWeekly(start, zone, []);
        }

        var days = new List<ChatBusierDay>(8);
        for (var b = trend.Buckets.Count - 1; b >= 0; b--)
        {
            if (trend.Buckets[b].UniqueUsers > 0)
            {
                days.Add(new ChatBusierDay(trend.Buckets[b].Date, trend.Buckets[b].UniqueUsers));
            }
        }

        return new ChatBusierWeekly(start, zone, days);
    }

    private static void ValidateBusier(string botId, DateTimeOffset start)
    {
        if (string.IsNullOrWhiteSpace(botId))
        {
            throw new EngagementValidationException("botId", botId, "botId is required");
        }

        if (start.UtcDateTime.Year < 2 || start.UtcDateTime.Year > 9998)
        {
            throw new EngagementValidationException("start", start.ToString("O", CultureInfo.InvariantCulture), "start must lie between years 2 and 9998");
        }
    }

    private static DateOnly LocalDate(long utcTicks, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(new DateTime(utcTicks, DateTimeKind.Utc), zone));
}
