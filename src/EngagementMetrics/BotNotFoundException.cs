using EngagementMetrics.Events;

namespace EngagementMetrics;

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
