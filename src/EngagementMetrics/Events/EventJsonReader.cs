using System.Buffers;
using System.Text;
using System.Text.Json;

namespace EngagementMetrics.Events;

/// <summary>What reading a batch of events produced: the valid events and why the others were rejected.</summary>
public sealed class EventReadResult
{
    internal EventReadResult(List<InteractionEvent> events, List<int> positions, List<EventError> errors, int recordCount)
    {
        Events = events;
        Positions = positions;
        Errors = errors;
        RecordCount = recordCount;
    }

    /// <summary>The valid events, in input order.</summary>
    public IReadOnlyList<InteractionEvent> Events { get; }

    /// <summary>For each of <see cref="Events"/>, its one-based line number (JSON Lines) or zero-based array index (JSON array).</summary>
    public IReadOnlyList<int> Positions { get; }

    /// <summary>Every rejected record, in input order; each names its line (or index) and field.</summary>
    public IReadOnlyList<EventError> Errors { get; }

    /// <summary>How many records were read (blank lines are not records).</summary>
    public int RecordCount { get; }
}

/// <summary>
/// Reads interaction events from JSON: JSON Lines (one object per line, as on disk) or a JSON array (as over HTTP).
/// Field names are camelCase, unknown fields are ignored, <c>kind</c> is snake_case. Every record is validated
/// with <see cref="InteractionEventValidator"/>, so an event that is read is an event a store will accept.
/// </summary>
/// <remarks>
/// The reader never throws for bad records: it reports them in <see cref="EventReadResult.Errors"/> and the caller
/// decides between strict (reject the whole batch) and lenient (keep the valid ones). Thread-safe (stateless).
/// </remarks>
public static class EventJsonReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    /// <summary>Reads JSON Lines from a UTF-8 stream. Blank lines are skipped; line numbers are one-based.</summary>
    public static async Task<EventReadResult> ReadJsonLinesAsync(Stream utf8Stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Stream);
        using var reader = new StreamReader(utf8Stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var events = new List<InteractionEvent>();
        var positions = new List<int>();
        var errors = new List<EventError>();
        var lineNumber = 0;
        var records = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                var needed = Encoding.UTF8.GetMaxByteCount(line.Length);
                if (needed > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed);
                }

                var length = Encoding.UTF8.GetBytes(line, buffer);
                var index = records++;
                if (TryParseLine(buffer.AsSpan(0, length), index, lineNumber, out var evt, out var error))
                {
                    events.Add(evt);
                    positions.Add(lineNumber);
                }
                else
                {
                    errors.Add(error);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new EventReadResult(events, positions, errors, records);
    }

    /// <summary>Reads JSON Lines from text already in memory.</summary>
    public static EventReadResult ReadJsonLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return ReadJsonLinesAsync(stream).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Reads a JSON array of event objects (the HTTP ingest shape). Positions and error indexes are zero-based array indexes.
    /// A body that is not a JSON array at all is reported as one error with field <c>$</c>.
    /// </summary>
    public static EventReadResult ReadJsonArray(ReadOnlySpan<byte> utf8Json)
    {
        var events = new List<InteractionEvent>();
        var positions = new List<int>();
        var errors = new List<EventError>();
        var records = 0;
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                errors.Add(new EventError(0, null, "$", "the body must be a JSON array of event objects"));
                return new EventReadResult(events, positions, errors, 0);
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var index = records++;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    errors.Add(new EventError(index, null, "$", $"element is a {Describe(reader.TokenType)}, not an object"));
                    reader.Skip();
                    continue;
                }

                if (TryParseObject(ref reader, index, null, out var evt, out var error))
                {
                    events.Add(evt);
                    positions.Add(index);
                }
                else
                {
                    errors.Add(error);
                }
            }
        }
        catch (JsonException ex)
        {
            errors.Add(new EventError(records, null, "$", $"malformed JSON: {ex.Message}"));
        }

        return new EventReadResult(events, positions, errors, records);
    }

    /// <summary>Parses and validates one JSON object (one line of JSON Lines).</summary>
    /// <returns>True with the event, or false with the error naming the field.</returns>
    public static bool TryParseLine(
        ReadOnlySpan<byte> utf8Json,
        int index,
        int? lineNumber,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InteractionEvent? evt,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out EventError? error)
    {
        evt = null;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = new EventError(index, lineNumber, "$", "the line is not a JSON object");
                return false;
            }

            if (!TryParseObject(ref reader, index, lineNumber, out evt, out error))
            {
                return false;
            }

            if (reader.Read())
            {
                evt = null;
                error = new EventError(index, lineNumber, "$", "unexpected content after the JSON object");
                return false;
            }

            return true;
        }
        catch (JsonException ex)
        {
            evt = null;
            error = new EventError(index, lineNumber, "$", $"malformed JSON: {ex.Message}");
            return false;
        }
    }

    // The reader stands on StartObject; on return it stands on the matching EndObject.
    private static bool TryParseObject(
        ref Utf8JsonReader reader,
        int index,
        int? lineNumber,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InteractionEvent? evt,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out EventError? error)
    {
        evt = null;
        error = null;
        string? eventId = null, accountId = null, botId = null, userId = null, conversationId = null, channel = null, goal = null, tag = null;
        string? timestampText = null, kindText = null;
        bool? intentMatched = null, fallback = null, apiError = null;
        var depth = reader.CurrentDepth;

        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                error = new EventError(index, lineNumber, "$", "malformed event object");
                break;
            }

            var field = Field.Unknown;
            foreach (var (name, f) in FieldNames)
            {
                if (reader.ValueTextEquals(name))
                {
                    field = f;
                    break;
                }
            }

            reader.Read();
            if (field == Field.Unknown)
            {
                reader.Skip();
                continue;
            }

            if (error is not null)
            {
                reader.Skip();
                continue;
            }

            switch (field)
            {
                case Field.IntentMatched:
                    error = ReadBool(ref reader, "intentMatched", index, lineNumber, out intentMatched);
                    break;
                case Field.Fallback:
                    error = ReadBool(ref reader, "fallback", index, lineNumber, out fallback);
                    break;
                case Field.Error:
                    error = ReadBool(ref reader, "error", index, lineNumber, out apiError);
                    break;
                default:
                    var name = FieldName(field);
                    error = ReadString(ref reader, name, index, lineNumber, out var text);
                    switch (field)
                    {
                        case Field.EventId: eventId = text; break;
                        case Field.AccountId: accountId = text; break;
                        case Field.BotId: botId = text; break;
                        case Field.UserId: userId = text; break;
                        case Field.ConversationId: conversationId = text; break;
                        case Field.Channel: channel = text; break;
                        case Field.Goal: goal = text; break;
                        case Field.Tag: tag = text; break;
                        case Field.Timestamp: timestampText = text; break;
                        case Field.Kind: kindText = text; break;
                    }

                    break;
            }
        }

        if (error is not null)
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(botId))
        {
            error = new EventError(index, lineNumber, "botId", "is required");
            return false;
        }

        if (kindText is null)
        {
            error = new EventError(index, lineNumber, "kind", "is required");
            return false;
        }

        if (!InteractionKinds.TryParse(kindText, out var kind))
        {
            error = new EventError(index, lineNumber, "kind", $"'{kindText}' is not a known kind (expected one of {string.Join(", ", InteractionKinds.Names)})");
            return false;
        }

        if (timestampText is null)
        {
            error = new EventError(index, lineNumber, "timestamp", "is required");
            return false;
        }

        if (!Rfc3339.TryParse(timestampText, out var timestamp))
        {
            error = new EventError(index, lineNumber, "timestamp", $"'{timestampText}' is not an RFC 3339 instant with Z or an offset (e.g. 2025-12-03T11:40:00Z)");
            return false;
        }

        evt = new InteractionEvent
        {
            EventId = eventId,
            AccountId = accountId,
            BotId = botId,
            UserId = userId,
            ConversationId = conversationId,
            Timestamp = timestamp,
            Channel = channel,
            Kind = kind,
            IntentMatched = intentMatched,
            Fallback = fallback,
            Goal = goal,
            Error = apiError,
            Tag = tag,
        };

        error = InteractionEventValidator.Validate(evt, index, lineNumber);
        if (error is not null)
        {
            evt = null;
            return false;
        }

        return true;
    }

    private static EventError? ReadString(ref Utf8JsonReader reader, string field, int index, int? lineNumber, out string? value)
    {
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = reader.GetString();
                return null;
            case JsonTokenType.Null:
                return null;
            default:
                var kind = Describe(reader.TokenType);
                reader.Skip();
                return new EventError(index, lineNumber, field, $"must be a string, not a {kind}");
        }
    }

    private static EventError? ReadBool(ref Utf8JsonReader reader, string field, int index, int? lineNumber, out bool? value)
    {
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return null;
            case JsonTokenType.False:
                value = false;
                return null;
            case JsonTokenType.Null:
                return null;
            default:
                var kind = Describe(reader.TokenType);
                reader.Skip();
                return new EventError(index, lineNumber, field, $"must be true or false, not a {kind}");
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.StartArray => "array",
        JsonTokenType.StartObject => "object",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private enum Field
    {
        Unknown,
        EventId,
        AccountId,
        BotId,
        UserId,
        ConversationId,
        Timestamp,
        Channel,
        Kind,
        IntentMatched,
        Fallback,
        Goal,
        Error,
        Tag,
    }

    private static string FieldName(Field field) => field switch
    {
        Field.EventId => "eventId",
        Field.AccountId => "accountId",
        Field.BotId => "botId",
        Field.UserId => "userId",
        Field.ConversationId => "conversationId",
        Field.Timestamp => "timestamp",
        Field.Channel => "channel",
        Field.Kind => "kind",
        Field.IntentMatched => "intentMatched",
        Field.Fallback => "fallback",
        Field.Goal => "goal",
        Field.Error => "error",
        Field.Tag => "tag",
        _ => "$",
    };

    private static readonly (string Name, Field Field)[] FieldNames =
        Enum.GetValues<Field>().Where(f => f != Field.Unknown).Select(f => (FieldName(f), f)).ToArray();
}
