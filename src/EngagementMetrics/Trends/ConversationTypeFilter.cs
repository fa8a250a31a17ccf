namespace EngagementMetrics.Trends;

/// <summary>Which conversations' events count.</summary>
public enum ConversationTypeFilter
{
    /// <summary>Every event, with or without a conversation.</summary>
    All = 0,

    /// <summary>Events of conversations with at least one <c>message_in</c> or <c>action_in</c>.</summary>
    Interactive = 1,

    /// <summary>Events of conversations without any user input (bot-initiated, never answered).</summary>
    NonInteractive = 2,
}
