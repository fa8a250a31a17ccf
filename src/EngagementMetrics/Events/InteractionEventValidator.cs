namespace EngagementMetrics.Events;

/// <summary>
/// The rules every stored event obeys (required fields, user id on user-activity kinds, sane lengths).
/// Stores call it before they change anything, so every store rejects exactly the same events.
/// </summary>
public static class InteractionEventValidator
{
    /// <summary>Longest accepted id or name (bot, user, conversation, event, account, channel, goal, tag), in UTF-16 code units.</summary>
    public const int MaxIdLength = 1024;

    /// <summary>Checks one event.</summary>
    /// <param name="evt">The event.</param>
    /// <param name="index">Its zero-based position in the batch (reported in the error).</param>
    /// <param name="lineNumber">Its line in a JSON Lines file, if it came from one.</param>
    /// <returns>The first rule the event breaks, or <see langword="null"/> when it is valid.</returns>
    public static EventError? Validate(InteractionEvent? evt, int index, int? lineNumber = null)
    {
        if (evt is null)
        {
            return new EventError(index, lineNumber, "$", "event is null");
        }

        if (string.IsNullOrWhiteSpace(evt.BotId))
        {
            return new EventError(index, lineNumber, "botId", "is required");
        }

        if (!evt.Kind.IsDefined())
        {
            return new EventError(index, lineNumber, "kind", $"'{(int)evt.Kind}' is not a known kind");
        }

        if (evt.Kind.IsUserActivity() && string.IsNullOrWhiteSpace(evt.UserId))
        {
            return new EventError(index, lineNumber, "userId", $"is required for kind '{evt.Kind.ToWireName()}'");
        }

        if (evt.Timestamp == default)
        {
            return new EventError(index, lineNumber, "timestamp", "is required");
        }

        return CheckLength(evt.BotId, "botId", index, lineNumber)
            ?? CheckLength(evt.UserId, "userId", index, lineNumber)
            ?? CheckLength(evt.EventId, "eventId", index, lineNumber)
            ?? CheckLength(evt.AccountId, "accountId", index, lineNumber)
            ?? CheckLength(evt.ConversationId, "conversationId", index, lineNumber)
            ?? CheckLength(evt.Channel, "channel", index, lineNumber)
            ?? CheckLength(evt.Goal, "goal", index, lineNumber)
            ?? CheckLength(evt.Tag, "tag", index, lineNumber);
    }

    private static EventError? CheckLength(string? value, string field, int index, int? lineNumber) =>
        value is not null && value.Length > MaxIdLength
            ? new EventError(index, lineNumber, field, $"is {value.Length} characters long; at most {MaxIdLength} are allowed")
            : null;
}
