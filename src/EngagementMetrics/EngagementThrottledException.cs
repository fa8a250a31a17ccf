using EngagementMetrics.Events;

namespace EngagementMetrics;

/// <summary>A throttled call came too soon; <see cref="RetryAfter"/> says when the next one is admitted.</summary>
public sealed class EngagementThrottledException : EngagementException
{
    /// <summary>Creates the exception.</summary>
    public EngagementThrottledException(string key, TimeSpan retryAfter)
        : base($"Too many requests for {key}: try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.")
    {
        Key = key;
        RetryAfter = retryAfter;
    }

    /// <summary>What was throttled, e.g. <c>account:acme</c>.</summary>
    public string Key { get; }

    /// <summary>How long until the next call is admitted (whole seconds), for a <c>Retry-After</c> header.</summary>
    public TimeSpan RetryAfter { get; }
}
