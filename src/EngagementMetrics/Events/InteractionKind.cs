namespace EngagementMetrics.Events;

/// <summary>What happened in an <see cref="InteractionEvent"/>. The wire names are snake_case (<c>message_in</c>).</summary>
public enum InteractionKind
{
    /// <summary>The user sent a message to the bot (<c>message_in</c>). User activity.</summary>
    MessageIn = 0,

    /// <summary>The user pressed a button or quick reply (<c>action_in</c>). User activity.</summary>
    ActionIn = 1,

    /// <summary>The bot sent a message to the user (<c>message_out</c>). User activity.</summary>
    MessageOut = 2,

    /// <summary>A human operator sent a message to the user (<c>agent_message</c>). User activity.</summary>
    AgentMessage = 3,

    /// <summary>The conversation asked for a human operator (<c>handover_requested</c>).</summary>
    HandoverRequested = 4,

    /// <summary>A human operator took the conversation over (<c>agent_joined</c>).</summary>
    AgentJoined = 5,

    /// <summary>A goal of the bot was reached (<c>goal_reached</c>).</summary>
    GoalReached = 6,

    /// <summary>The bot called an external API (<c>api_request</c>).</summary>
    ApiRequest = 7,

    /// <summary>A tag was applied (<c>tag_hit</c>).</summary>
    TagHit = 8,

    /// <summary>The conversation ended (<c>conversation_closed</c>).</summary>
    ConversationClosed = 9,
}
