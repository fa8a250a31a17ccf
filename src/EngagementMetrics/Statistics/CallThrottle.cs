using System.Collections.Concurrent;

namespace EngagementMetrics.Statistics;

/// <summary>
/// "One call per key per interval" on a <see cref="TimeProvider"/>: the statistics endpoints allow one call per
/// account per hour and one per bot per 30 minutes. A refused call learns how long to wait (for <c>Retry-After</c>).
/// </summary>
/// <remarks>
/// <para>Thread-safe. A call is admitted when the key's previous admitted call is at least the interval old; refused
/// calls do not push the window. Keys are kept until they expire (cleaned lazily), so memory follows the number of
/// active accounts and bots.</para>
/// <para>Why not System.Threading.RateLimiting: its limiters replenish on their own timers and cannot be driven by a
/// <see cref="TimeProvider"/>, so they could not be tested deterministically or follow a host's clock.</para>
/// </remarks>
public sealed class CallThrottle
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastAdmitted = new(StringComparer.Ordinal);
    private long _calls;

    /// <summary>Creates a throttle on a clock.</summary>
    public CallThrottle(TimeProvider timeProvider) => _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    /// <summary>Admits a call for <paramref name="key"/> if the last admitted one is at least <paramref name="interval"/> old.</summary>
    /// <param name="key">What is throttled, e.g. <c>account:acme</c> or <c>bot:st-1</c>.</param>
    /// <param name="interval">The minimum time between two admitted calls; zero or less admits every call.</param>
    /// <param name="retryAfter">When refused, how long until the next call is admitted (rounded up to whole seconds); else zero.</param>
    /// <returns>True when admitted.</returns>
    public bool TryAcquire(string key, TimeSpan interval, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(key);
        retryAfter = TimeSpan.Zero;
        if (interval <= TimeSpan.Zero)
        {
            return true;
        }

        var now = _time.GetUtcNow();
        if (Interlocked.Increment(ref _calls) % 1024 == 0)
        {
            Sweep(now, interval);
        }

        while (true)
        {
            if (!_lastAdmitted.TryGetValue(key, out var last))
            {
                if (_lastAdmitted.TryAdd(key, now))
                {
                    return true;
                }

                continue;
            }

            var next = last + interval;
            if (now < next)
            {
                retryAfter = TimeSpan.FromSeconds(Math.Ceiling((next - now).TotalSeconds));
                return false;
            }

            if (_lastAdmitted.TryUpdate(key, now, last))
            {
                return true;
            }
        }
    }

    private void Sweep(DateTimeOffset now, TimeSpan interval)
    {
        foreach (var (key, last) in _lastAdmitted)
        {
            if (now - last > interval + interval)
            {
                _lastAdmitted.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, last));
            }
        }
    }
}
