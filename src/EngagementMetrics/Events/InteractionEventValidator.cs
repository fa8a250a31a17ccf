namespace EngagementMetrics.Events;

/// <summary>
/// The rules every stored event obeys (required fields, user id on user-activity kinds, sane lengths, ids and names
/// that are printable text: no control characters, no lone surrogates).
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
    public static EventError? Validate(InteractionEvent? evt, int index, int? lineNumber = null) => Validate(evt, index, lineNumber, textChecked: false);

    /// <summary>Checks one event; <paramref name="textChecked"/> when the caller has already refused bad characters in its strings (the reader does, on the bytes).</summary>
    internal static EventError? Validate(InteractionEvent? evt, int index, int? lineNumber, bool textChecked)
    {
        if (evt is null)
        {
            return new EventError(index, lineNumber, "$", "event is null");
        }

        return ValidateFields(
            evt.BotId, evt.Kind, evt.UserId, evt.Timestamp == default, evt.EventId, evt.EventId?.Length ?? -1, evt.AccountId, evt.ConversationId,
            evt.Channel, evt.Goal, evt.Tag, index, lineNumber, textChecked);
    }

    /// <summary>
    /// The rules of <see cref="Validate(InteractionEvent?, int, int?)"/> on an event's fields, in the same order with the
    /// same messages, for a reader that keeps the event id as bytes: <paramref name="eventIdLength"/> is the id's length
    /// in UTF-16 code units (-1 when absent), and <paramref name="eventId"/> may be <see langword="null"/> when
    /// <paramref name="textChecked"/>.
    /// </summary>
    internal static EventError? ValidateFields(
        string? botId, InteractionKind kind, string? userId, bool noTimestamp, string? eventId, int eventIdLength, string? accountId,
        string? conversationId, string? channel, string? goal, string? tag, int index, int? lineNumber, bool textChecked)
    {
        if (string.IsNullOrWhiteSpace(botId))
        {
            return new EventError(index, lineNumber, "botId", "is required");
        }

        if (!kind.IsDefined())
        {
            return new EventError(index, lineNumber, "kind", $"'{(int)kind}' is not a known kind");
        }

        if (kind.IsUserActivity() && string.IsNullOrWhiteSpace(userId))
        {
            return new EventError(index, lineNumber, "userId", $"is required for kind '{kind.ToWireName()}'");
        }

        if (noTimestamp)
        {
            return new EventError(index, lineNumber, "timestamp", "is required");
        }

        return CheckText(botId, "botId", index, lineNumber, textChecked)
            ?? CheckText(userId, "userId", index, lineNumber, textChecked)
            ?? CheckLength(eventIdLength, "eventId", index, lineNumber)
            ?? (textChecked || eventId is null ? null : CheckText(eventId, "eventId", index, lineNumber, textChecked))
            ?? CheckText(accountId, "accountId", index, lineNumber, textChecked)
            ?? CheckText(conversationId, "conversationId", index, lineNumber, textChecked)
            ?? CheckText(channel, "channel", index, lineNumber, textChecked)
            ?? CheckText(goal, "goal", index, lineNumber, textChecked)
            ?? CheckText(tag, "tag", index, lineNumber, textChecked);
    }

    private static EventError? CheckLength(int length, string field, int index, int? lineNumber) =>
        length > MaxIdLength ? new EventError(index, lineNumber, field, $"is {length} characters long; at most {MaxIdLength} are allowed") : null;

    private static EventError? CheckText(string? value, string field, int index, int? lineNumber, bool textChecked)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxIdLength)
        {
            return new EventError(index, lineNumber, field, $"is {value.Length} characters long; at most {MaxIdLength} are allowed");
        }

        return !textChecked && DescribeBadCharacter(value) is { } problem ? new EventError(index, lineNumber, field, problem) : null;
    }

    /// <summary>
    /// Why an id or name cannot be stored, or <see langword="null"/>: control characters (U+0000 to U+001F, U+007F) would
    /// corrupt logs, CSV and terminals, and a lone surrogate is not text (it has no UTF-8 form, so two different values
    /// would be stored as one).
    /// </summary>
    internal static string? DescribeBadCharacter(ReadOnlySpan<char> value)
    {
        var control = value.IndexOfAnyInRange('\u0000', '\u001F');
        var delete = value.IndexOf('\u007F');
        if (control >= 0 || delete >= 0)
        {
            var at = control < 0 ? delete : delete < 0 ? control : Math.Min(control, delete);
            return $"contains control character U+{(int)value[at]:X4} at position {at + 1}; ids and names must be printable text";
        }

        var surrogate = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        while (surrogate >= 0)
        {
            if (char.IsHighSurrogate(value[surrogate]) && surrogate + 1 < value.Length && char.IsLowSurrogate(value[surrogate + 1]))
            {
                var next = value[(surrogate + 2)..].IndexOfAnyInRange('\uD800', '\uDFFF');
                surrogate = next < 0 ? -1 : surrogate + 2 + next;
                continue;
            }

            return $"contains a lone surrogate U+{(int)value[surrogate]:X4} at position {surrogate + 1}, which is not text";
        }

        return null;
    }
}
