namespace EngagementMetrics.Statistics;

/// <summary>The 19 statistic types of the account and bot statistics (codes 0 to 18).</summary>
public enum StatisticType
{
    /// <summary>Users active in the bucket whose first seen lies in it.</summary>
    NewUser = 0,

    /// <summary>Users active in the bucket first seen before it.</summary>
    ReturningUser = 1,

    /// <summary>Distinct users active in the bucket.</summary>
    ActiveUser = 2,

    /// <summary>Count of <c>message_in</c>, <c>action_in</c>, <c>message_out</c> and <c>agent_message</c>.</summary>
    Messages = 3,

    /// <summary>Count of <c>action_in</c>.</summary>
    ActionMessages = 4,

    /// <summary>Count of <c>message_out</c> with <c>fallback: true</c>.</summary>
    FallbackReply = 5,

    /// <summary>Count of <c>message_in</c> with <c>intentMatched: true</c>.</summary>
    NlpDetected = 6,

    /// <summary>Count of <c>message_in</c> with <c>intentMatched: false</c>.</summary>
    NlpMissed = 7,

    /// <summary>Mean seconds from a conversation's first event to its first close, over conversations closed in the bucket.</summary>
    ConversationLength = 8,

    /// <summary>Mean seconds from a handover request to the operator joining, in the bucket of the join.</summary>
    TimeToPickUp = 9,

    /// <summary>Percent of conversations started in the bucket that an operator joined (at any time).</summary>
    TakeoverRate = 10,

    /// <summary>Mean seconds from the first operator join to the first close, over conversations closed in the bucket after a join.</summary>
    SupportConversationLength = 11,

    /// <summary>Count of <c>goal_reached</c>.</summary>
    GoalReached = 12,

    /// <summary>Count of <c>message_in</c> and <c>action_in</c>.</summary>
    IncomingMessage = 13,

    /// <summary>Count of <c>api_request</c>.</summary>
    ApiRequest = 14,

    /// <summary>Count of <c>api_request</c> with <c>error: true</c>.</summary>
    ApiRequestError = 15,

    /// <summary>Mean seconds from a conversation's first user message to the first reply at or after it, in the bucket of the user message.</summary>
    TimeToFirstMessage = 16,

    /// <summary>Count of <c>agent_message</c>.</summary>
    OperatorMessage = 17,

    /// <summary>Count of <c>tag_hit</c> (bot endpoint only).</summary>
    TagHit = 18,
}
