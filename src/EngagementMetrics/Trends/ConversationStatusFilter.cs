namespace EngagementMetrics.Trends;

/// <summary>Which conversations' events count, by status at query time.</summary>
public enum ConversationStatusFilter
{
    /// <summary>Every event, with or without a conversation.</summary>
    All = 0,

    /// <summary>Events of conversations without a <c>conversation_closed</c> event.</summary>
    Active = 1,

    /// <summary>Events of conversations that have a <c>conversation_closed</c> event.</summary>
    Closed = 2,
}
