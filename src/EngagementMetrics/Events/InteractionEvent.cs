namespace EngagementMetrics.Events;

/// <summary>
/// One thing that happened between a bot and a user: a message, a button press, an operator message,
/// a handover, a goal, an API call, a tag or a closed conversation.
/// </summary>
/// <remarks>
/// Instances are immutable once built. Validation happens when events are appended to a store
/// (<see cref="InteractionEventValidator"/>), so an invalid event can be constructed but never stored.
/// </remarks>
public sealed record InteractionEvent
{
    /// <summary>The default account of a bot whose events name none.</summary>
    public const string DefaultAccountId = "default";

    /// <summary>The default channel of an event that names none.</summary>
    public const string DefaultChannel = "default";

    /// <summary>Optional id; when present, ingest is idempotent on (<see cref="BotId"/>, <see cref="EventId"/>).</summary>
    public string? EventId { get; init; }

    /// <summary>
    /// Owner account of the bot. <see langword="null"/> means the bot's existing account, or <see cref="DefaultAccountId"/>
    /// for a bot's first event. Naming another account than the bot's makes the event invalid.
    /// </summary>
    public string? AccountId { get; init; }

    /// <summary>The bot (app, stream) the event belongs to. Required.</summary>
    public required string BotId { get; init; }

    /// <summary>The end user. Required for the user-activity kinds (<see cref="InteractionKinds.IsUserActivity"/>).</summary>
    public string? UserId { get; init; }

    /// <summary>The conversation (session) the event belongs to, if any.</summary>
    public string? ConversationId { get; init; }

    /// <summary>When it happened. Stored as a UTC instant; the offset only says how it was written.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The channel (<c>rtm</c>, <c>slack</c>, ...), compared case-insensitively; <see langword="null"/> means <see cref="DefaultChannel"/>.</summary>
    public string? Channel { get; init; }

    /// <summary>What happened.</summary>
    public required InteractionKind Kind { get; init; }

    /// <summary>On <see cref="InteractionKind.MessageIn"/>: NLP found an intent (true) or missed (false).</summary>
    public bool? IntentMatched { get; init; }

    /// <summary>On <see cref="InteractionKind.MessageOut"/>: the bot answered with its fallback reply.</summary>
    public bool? Fallback { get; init; }

    /// <summary>On <see cref="InteractionKind.GoalReached"/>: the goal's name.</summary>
    public string? Goal { get; init; }

    /// <summary>On <see cref="InteractionKind.ApiRequest"/>: the call failed.</summary>
    public bool? Error { get; init; }

    /// <summary>On <see cref="InteractionKind.TagHit"/>: the tag's name.</summary>
    public string? Tag { get; init; }

    /// <summary>The channel, with the default applied and folded to lower case (channels compare case-insensitively).</summary>
    public string NormalizedChannel => string.IsNullOrEmpty(Channel) ? DefaultChannel : Channel.ToLowerInvariant();
}
