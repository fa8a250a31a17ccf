using EngagementMetrics.Events;

namespace EngagementMetrics;

/// <summary>Base type of every error EngagementMetrics raises on purpose.</summary>
public abstract class EngagementException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected EngagementException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A query or request parameter is missing or invalid (an unknown zone, a reversed period, ...).
/// Nothing was computed or stored. HTTP layers map it to 400.
/// </summary>
public sealed class EngagementValidationException : EngagementException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="parameterName">
    /// The parameter at fault, as the caller named it: the engines name the query's property (<c>EndDate</c>,
    /// <c>Days</c>); the protocol layer (EngagementMetrics.Json) names its wire parameter (<c>end_date</c>,
    /// <c>--time-zone</c>).
    /// </param>
    /// <param name="value">The offending value, or <see langword="null"/> when it was missing.</param>
    /// <param name="message">What is wrong; should name the parameter and the value.</param>
    public EngagementValidationException(string parameterName, string? value, string message)
        : base(message)
    {
        ParameterName = parameterName;
        Value = value;
    }

    /// <summary>The parameter at fault, as the caller named it.</summary>
    public string ParameterName { get; }

    /// <summary>The offending value, or <see langword="null"/> when it was missing.</summary>
    public string? Value { get; }
}

/// <summary>The bot has no events in the store (HTTP layers map it to 404).</summary>
public sealed class BotNotFoundException : EngagementException
{
    /// <summary>Creates the exception.</summary>
    public BotNotFoundException(string botId)
        : base($"bot '{botId}' was not found")
    {
        BotId = botId;
    }

    /// <summary>The bot that was asked for.</summary>
    public string BotId { get; }
}

/// <summary>
/// A strict append was refused because at least one event was invalid; nothing of the batch was stored.
/// </summary>
public sealed class EventBatchRejectedException : EngagementException
{
    /// <summary>Creates the exception.</summary>
    public EventBatchRejectedException(IReadOnlyList<EventError> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Every invalid event, in batch order.</summary>
    public IReadOnlyList<EventError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<EventError> errors)
    {
        var first = errors.Count > 0 ? errors[0].ToString() : "no details";
        return errors.Count <= 1
            ? $"batch rejected, nothing stored: {first}"
            : $"batch rejected, nothing stored: {first} (and {errors.Count - 1} more)";
    }
}

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

/// <summary>
/// A store cannot be used: its database cannot be opened or reached (a file that is not a database, a missing file or
/// directory, an unreachable server, refused credentials), or it holds no EngagementMetrics tables where they must
/// already exist (a read-only store), or a newer schema than this library understands. Nothing was read or written.
/// </summary>
/// <remarks>
/// The message is one line that names the store (a file path, or <c>host:port/database</c> for a server; never a
/// password) and says what is wrong. <see cref="Exception.InnerException"/> holds the driver's error, when there is one.
/// </remarks>
public sealed class EngagementStoreException : EngagementException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="store">How the store is named in messages, e.g. <c>SQLite file '/data/bots.db'</c>; never a password.</param>
    /// <param name="message">What is wrong; should start with <paramref name="store"/>.</param>
    /// <param name="innerException">The driver's error, if any.</param>
    public EngagementStoreException(string store, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Store = store;
    }

    /// <summary>How the store is named in messages: a file path or <c>host:port/database</c>, never a password.</summary>
    public string Store { get; }
}
