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
