using EngagementMetrics.Events;

namespace EngagementMetrics;

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
