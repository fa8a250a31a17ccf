namespace EngagementMetrics.Storage;

/// <summary>Facts about one conversation, as of a snapshot.</summary>
[Flags]
public enum ConversationFacts : byte
{
    /// <summary>Non interactive and active.</summary>
    None = 0,

    /// <summary>The conversation holds at least one <c>message_in</c> or <c>action_in</c>.</summary>
    Interactive = 1,

    /// <summary>The store holds a <c>conversation_closed</c> event for it.</summary>
    Closed = 2,
}
