using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace EngagementMetrics.Events;

/// <summary>
/// Turns one JSON record (a line of JSON Lines, or an element of a JSON array) into an event, or into an error that
/// names the record, the field and the value. Never throws for bad input.
/// </summary>
/// <remarks>
/// Strict where JSON readers are lenient: the record must be valid UTF-8 throughout; an escaped lone surrogate
/// (<c>"\ud800"</c>) anywhere is refused (it is not text and has no UTF-8 form); a property name may appear once at
/// the top level of the event; ids and names may not hold control characters. Repeated ids (bots, users, channels,
/// conversations) come from a cache keyed by their UTF-8 bytes, so a million lines do not make a million copies of
/// the same user id. Not thread-safe: one parser per reader.
/// </remarks>
internal sealed partial class EventRecordParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    private readonly Utf8StringCache _strings = new();
    private readonly List<(int Start, int Length)> _unknownNames = [];
    private byte[] _scratch = new byte[256];
    private byte[] _names = new byte[256];
    private int? _loneSurrogateAt;
    private const int LastValueBytes = 64;
    private readonly LastValue[] _last = new LastValue[16];

    /// <summary>False to read every record with the general path only (tests compare the two).</summary>
    internal bool UseFastPath { get; init; } = true;

    private enum Field
    {
        Unknown = -1,
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

    private static readonly string[] FieldNames =
        ["eventId", "accountId", "botId", "userId", "conversationId", "timestamp", "channel", "kind", "intentMatched", "fallback", "goal", "error", "tag"];

    private static readonly byte[][] FieldNamesUtf8 = [.. FieldNames.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Parses and validates one record.</summary>
    /// <param name="record">The record's bytes (no line terminator).</param>
    /// <param name="index">Zero-based record number (reported in the error).</param>
    /// <param name="lineNumber">One-based line for JSON Lines; <see langword="null"/> for array elements.</param>
    /// <param name="what">How messages name the record: <c>line</c> or <c>element</c>.</param>
    /// <param name="batch">Where a valid event goes: its row is <see cref="EventRowBatch.Next"/>, committed by the caller; its id's bytes are appended to the batch's arena.</param>
    /// <param name="error">Why the record is refused, otherwise (nothing of the record is then kept in the batch).</param>
    public bool TryParse(
        ReadOnlySpan<byte> record,
        int index,
        int? lineNumber,
        string what,
        EventRowBatch batch,
        [NotNullWhen(false)] out EventError? error)
    {
        var idsUsed = batch.IdsUsed;
        if (TryParseRecord(record, index, lineNumber, what, batch, out error))
        {
            return true;
        }

        batch.IdsUsed = idsUsed;
        return false;
    }

    private bool TryParseRecord(ReadOnlySpan<byte> record, int index, int? lineNumber, string what, EventRowBatch batch, [NotNullWhen(false)] out EventError? error)
    {
        // Nearly every record is ASCII, which is valid UTF-8 and tells the fast path that its event id has as many
        // characters as bytes.
        var ascii = Ascii.IsValid(record);
        if (!ascii && !Utf8.IsValid(record))
        {
            error = new EventError(index, lineNumber, "$", DescribeInvalidUtf8(record));
            return false;
        }

        // Escaped lone surrogates are invisible to the UTF-8 check and make System.Text.Json throw on decoding; one
        // vectorised search for a backslash keeps the common case free. The same search looks for DEL, the only
        // character the rules refuse that unescaped valid UTF-8 can hold in a string, so the fast path checks its
        // strings for it only when the record holds one. A record without a backslash is first tried by the fast
        // path, which only ever accepts what the general path below would accept, as the same row.
        var special = record.IndexOfAny((byte)'\\', (byte)0x7F) >= 0;
        var backslash = special && record.IndexOf((byte)'\\') >= 0;
        if (!backslash && UseFastPath)
        {
            var idsUsed = batch.IdsUsed;
            if (TryFast(record, index, lineNumber, batch, mayHoldDelete: special, ascii))
            {
                error = null;
                return true;
            }

            batch.IdsUsed = idsUsed;
        }

        _loneSurrogateAt = backslash ? FindLoneSurrogateEscape(record) : null;
        try
        {
            var reader = new Utf8JsonReader(record, ReaderOptions);
            if (!reader.Read())
            {
                error = new EventError(index, lineNumber, "$", $"the {what} is empty");
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = new EventError(index, lineNumber, "$", $"the {what} is {Describe(reader.TokenType)}, not a JSON object");
                return false;
            }

            if (!TryParseObject(ref reader, index, lineNumber, batch, out error))
            {
                return false;
            }

            if (reader.Read())
            {
                error = new EventError(index, lineNumber, "$", $"unexpected content after the JSON object at byte {reader.TokenStartIndex + 1}");
                return false;
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = new EventError(index, lineNumber, "$", DescribeMalformed(ex));
            return false;
        }
    }

    /// <summary>The JSON reader's complaint in our words: what is wrong and at which byte of the record (one-based).</summary>
    internal static string DescribeMalformed(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        message = message.TrimEnd('.', ' ');
        return ex.BytePositionInLine is { } position
            ? $"malformed JSON at byte {position + 1}: {message}"
            : $"malformed JSON: {message}";
    }

    private static string DescribeInvalidUtf8(ReadOnlySpan<byte> record)
    {
        var at = 0;
        while (at < record.Length)
        {
            if (Rune.DecodeFromUtf8(record[at..], out _, out var consumed) != OperationStatus.Done)
            {
                var bad = record.Slice(at, Math.Max(1, Math.Min(consumed, 4)));
                return $"invalid UTF-8 at byte {at + 1} ({Convert.ToHexString(bad)}); events must be UTF-8 text";
            }

            at += consumed;
        }

        return "invalid UTF-8; events must be UTF-8 text";
    }

    // The reader stands on StartObject; on success it stands on the matching EndObject.
    private bool TryParseObject(ref Utf8JsonReader reader, int index, int? lineNumber, EventRowBatch batch, [NotNullWhen(false)] out EventError? error)
    {
        error = null;
        int eventIdStart = -1, eventIdLength = 0, eventIdChars = -1;
        string? accountId = null, botId = null, userId = null, conversationId = null, channel = null, goal = null, tag = null;
        DateTimeOffset timestamp = default;
        InteractionKind kind = default;
        bool? intentMatched = null, fallback = null, apiError = null;
        var seen = 0;
        bool hasKind = false, hasTimestamp = false;
        var namesUsed = 0;
        _unknownNames.Clear();

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            // Only property names stand at this level: the values of unknown fields are skipped whole.
            if (!CheckEscapes(ref reader, "$", index, lineNumber, out error))
            {
                return false;
            }

            var field = Identify(ref reader);
            if (field == Field.Unknown)
            {
                if (!TrackUnknownName(ref reader, ref namesUsed, out var name))
                {
                    error = new EventError(index, lineNumber, name, "appears twice in the event; every property may be given once");
                    return false;
                }

                reader.Read();
                if (!CheckEscapes(ref reader, name, index, lineNumber, out error))
                {
                    return false;
                }

                reader.Skip();
                continue;
            }

            var fieldName = FieldNames[(int)field];
            var bit = 1 << (int)field;
            if ((seen & bit) != 0)
            {
                error = new EventError(index, lineNumber, fieldName, "appears twice in the event; every property may be given once");
                return false;
            }

            seen |= bit;
            reader.Read();
            switch (field)
            {
                case Field.IntentMatched:
                    error = ReadBool(ref reader, fieldName, index, lineNumber, out intentMatched);
                    break;
                case Field.Fallback:
                    error = ReadBool(ref reader, fieldName, index, lineNumber, out fallback);
                    break;
                case Field.Error:
                    error = ReadBool(ref reader, fieldName, index, lineNumber, out apiError);
                    break;
                case Field.Timestamp:
                    error = ReadTimestamp(ref reader, index, lineNumber, out timestamp, out hasTimestamp);
                    break;
                case Field.Kind:
                    error = ReadKind(ref reader, index, lineNumber, out kind, out hasKind);
                    break;
                case Field.EventId:
                    // Event ids are unique: caching them would only fill the cache, and making a string of each would
                    // only make garbage. Their UTF-8 bytes go to the batch's arena.
                    error = ReadEventId(ref reader, fieldName, index, lineNumber, batch, out eventIdStart, out eventIdLength, out eventIdChars);
                    break;
                default:
                    error = ReadString(ref reader, fieldName, index, lineNumber, out var text);
                    switch (field)
                    {
                        case Field.AccountId: accountId = text; break;
                        case Field.BotId: botId = text; break;
                        case Field.UserId: userId = text; break;
                        case Field.ConversationId: conversationId = text; break;
                        case Field.Channel: channel = text; break;
                        case Field.Goal: goal = text; break;
                        case Field.Tag: tag = text; break;
                    }

                    break;
            }

            if (error is not null)
            {
                return false;
            }
        }

        if (_loneSurrogateAt is { } at)
        {
            // Somewhere no field check reached (inside an unknown field's value).
            error = new EventError(index, lineNumber, "$", $"holds an escaped lone surrogate at byte {at + 1}, which is not text");
            return false;
        }

        if (string.IsNullOrWhiteSpace(botId))
        {
            error = new EventError(index, lineNumber, "botId", "is required");
            return false;
        }

        // A null kind or timestamp is the same as an absent one.
        if (!hasKind)
        {
            error = new EventError(index, lineNumber, "kind", "is required");
            return false;
        }

        if (!hasTimestamp)
        {
            error = new EventError(index, lineNumber, "timestamp", "is required");
            return false;
        }

        // Characters were checked on the bytes as each string was read (ReadString); the rest of the rules here, the
        // same code and order as InteractionEventValidator.Validate.
        error = InteractionEventValidator.ValidateFields(
            botId, kind, userId, timestamp.UtcTicks == 0, null, eventIdChars, accountId, conversationId, channel, goal, tag, index, lineNumber, textChecked: true);
        if (error is not null)
        {
            return false;
        }

        AddRow(batch, botId, accountId, userId, conversationId, channel, goal, tag, timestamp, kind, intentMatched, fallback, apiError, eventIdStart, eventIdLength);
        return true;
    }

    // A validated record as the batch's next row (both parsing paths end here).
    private static void AddRow(
        EventRowBatch batch,
        string botId,
        string? accountId,
        string? userId,
        string? conversationId,
        string? channel,
        string? goal,
        string? tag,
        DateTimeOffset timestamp,
        InteractionKind kind,
        bool? intentMatched,
        bool? fallback,
        bool? apiError,
        int eventIdStart,
        int eventIdLength)
    {
        ref var row = ref batch.Next();
        row.BotId = botId;
        row.AccountId = accountId;
        row.UserId = userId;
        row.ConversationId = conversationId;
        row.Channel = channel;
        row.Goal = goal;
        row.Tag = tag;
        row.UtcTicks = timestamp.UtcTicks;
        row.OffsetMinutes = (short)(timestamp.Offset.Ticks / TimeSpan.TicksPerMinute);
        row.Kind = (byte)kind;
        row.Flags = (byte)(EventRow.FlagBits(intentMatched, 0) | EventRow.FlagBits(fallback, 2) | EventRow.FlagBits(apiError, 4));
        row.EventIdStart = eventIdStart;
        row.EventIdLength = eventIdLength;
    }

    private static Field Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            for (var f = 0; f < FieldNames.Length; f++)
            {
                if (reader.ValueTextEquals(FieldNamesUtf8[f]))
                {
                    return (Field)f;
                }
            }

            return Field.Unknown;
        }

        return IdentifyUnescaped(reader.ValueSpan);
    }

    // Dispatch on length and first byte, then one comparison.
    private static Field IdentifyUnescaped(ReadOnlySpan<byte> name)
    {
        var candidate = name.Length switch
        {
            3 => Field.Tag,
            4 => name[0] == (byte)'k' ? Field.Kind : Field.Goal,
            5 => name[0] == (byte)'b' ? Field.BotId : Field.Error,
            6 => Field.UserId,
            7 => name[0] == (byte)'e' ? Field.EventId : Field.Channel,
            8 => Field.Fallback,
            9 => name[0] == (byte)'a' ? Field.AccountId : Field.Timestamp,
            13 => Field.IntentMatched,
            14 => Field.ConversationId,
            _ => Field.Unknown,
        };
        return candidate != Field.Unknown && name.SequenceEqual(FieldNamesUtf8[(int)candidate]) ? candidate : Field.Unknown;
    }

    // Remembers an unknown top-level property name (unescaped); false when it was given before.
    private bool TrackUnknownName(ref Utf8JsonReader reader, ref int used, out string name)
    {
        var length = reader.ValueSpan.Length;
        if (_names.Length < used + length)
        {
            Array.Resize(ref _names, Math.Max(_names.Length * 2, used + length));
        }

        var written = reader.CopyString(_names.AsSpan(used));
        var current = _names.AsSpan(used, written);
        foreach (var (start, size) in _unknownNames)
        {
            if (current.SequenceEqual(_names.AsSpan(start, size)))
            {
                name = Encoding.UTF8.GetString(current);
                return false;
            }
        }

        _unknownNames.Add((used, written));
        used += written;
        name = string.Empty;
        return true;
    }

    // The event id's bytes, escapes resolved, appended to the batch's arena; its length in UTF-16 code units (the unit of
    // the length rule) in 'chars', -1 when the id is absent (null).
    private EventError? ReadEventId(ref Utf8JsonReader reader, string field, int index, int? lineNumber, EventRowBatch batch, out int start, out int length, out int chars)
    {
        start = -1;
        length = 0;
        chars = -1;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!CheckEscapes(ref reader, field, index, lineNumber, out var escapeError))
                {
                    return escapeError;
                }

                var space = batch.IdSpace(reader.ValueSpan.Length);
                length = reader.ValueIsEscaped ? reader.CopyString(space) : CopyRaw(reader.ValueSpan, space);
                var bytes = space[..length];
                start = batch.IdsUsed;
                batch.IdsUsed += length;
                chars = System.Text.Ascii.IsValid(bytes) ? length : Encoding.UTF8.GetCharCount(bytes);

                // As ReadString: only escapes or DEL can hide a character the rules refuse.
                return (reader.ValueIsEscaped || bytes.Contains((byte)0x7F)) && InteractionEventValidator.DescribeBadCharacter(Encoding.UTF8.GetString(bytes)) is { } problem
                    ? new EventError(index, lineNumber, field, problem)
                    : null;
            case JsonTokenType.Null:
                return null;
            default:
                return NotAString(ref reader, field, index, lineNumber);
        }
    }

    // A string field holding another JSON value: skipped, and named with what it held.
    private static EventError NotAString(ref Utf8JsonReader reader, string field, int index, int? lineNumber)
    {
        var kind = Describe(reader.TokenType);
        reader.Skip();
        return new EventError(index, lineNumber, field, $"must be a string, not {kind}");
    }

    private static int CopyRaw(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    private EventError? ReadString(ref Utf8JsonReader reader, string field, int index, int? lineNumber, out string? value)
    {
        value = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!CheckEscapes(ref reader, field, index, lineNumber, out var escapeError))
                {
                    return escapeError;
                }

                // Valid UTF-8 (checked for the whole record) holds no surrogates, and JSON forbids raw control
                // characters in strings, so unescaped text can only hide DEL (0x7F); escapes can spell anything.
                bool suspect;
                if (reader.ValueIsEscaped)
                {
                    value = reader.GetString();
                    suspect = true;
                }
                else
                {
                    var bytes = reader.ValueSpan;
                    value = Cached(field, bytes);
                    suspect = bytes.Contains((byte)0x7F);
                }

                return suspect && InteractionEventValidator.DescribeBadCharacter(value) is { } problem
                    ? new EventError(index, lineNumber, field, problem)
                    : null;
            case JsonTokenType.Null:
                return null;
            default:
                return NotAString(ref reader, field, index, lineNumber);
        }
    }

    // Bots, accounts and channels mostly repeat from one line to the next: one comparison with the field's previous value
    // before the cache.
    private string Cached(string field, ReadOnlySpan<byte> bytes)
    {
        ref var last = ref _last[(uint)field.Length % (uint)_last.Length];
        if (last.Field == (object)field && bytes.SequenceEqual(last.Bytes.AsSpan(0, last.Length)))
        {
            return last.Value!;
        }

        var value = _strings.Get(bytes);
        if (bytes.Length <= LastValueBytes)
        {
            // The slot's buffer is reused: remembering a value allocates nothing.
            last.Field = field;
            last.Bytes ??= new byte[LastValueBytes];
            bytes.CopyTo(last.Bytes);
            last.Length = bytes.Length;
            last.Value = value;
        }

        return value;
    }

    private struct LastValue
    {
        public string? Field;
        public byte[]? Bytes;
        public int Length;
        public string? Value;
    }

    private EventError? ReadTimestamp(ref Utf8JsonReader reader, int index, int? lineNumber, out DateTimeOffset value, out bool present)
    {
        value = default;
        var error = ReadText(ref reader, "timestamp", "an RFC 3339 string such as 2025-12-03T11:40:00Z", index, lineNumber, out var text, out present);
        if (error is not null || !present)
        {
            return error;
        }

        return Rfc3339.TryParseUtf8(text, out value, out var problem)
            ? null
            : new EventError(index, lineNumber, "timestamp", $"'{Printable(text)}' {problem}");
    }

    private EventError? ReadKind(ref Utf8JsonReader reader, int index, int? lineNumber, out InteractionKind value, out bool present)
    {
        value = default;
        var error = ReadText(ref reader, "kind", "a string", index, lineNumber, out var text, out present);
        if (error is not null || !present)
        {
            return error;
        }

        var names = InteractionKinds.Names;
        for (var i = 0; i < names.Count; i++)
        {
            if (text.Length == names[i].Length && Ascii.Equals(text, names[i]))
            {
                value = (InteractionKind)i;
                return null;
            }
        }

        return new EventError(index, lineNumber, "kind", $"'{Printable(text)}' is not a known kind (expected one of {string.Join(", ", names)})");
    }

    // A string value parsed in place (not kept as a string): its unescaped bytes; null counts as absent.
    private EventError? ReadText(ref Utf8JsonReader reader, string field, string expected, int index, int? lineNumber, out ReadOnlySpan<byte> text, out bool present)
    {
        text = default;
        present = reader.TokenType != JsonTokenType.Null;
        if (!present)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            var kind = Describe(reader.TokenType);
            reader.Skip();
            return new EventError(index, lineNumber, field, $"must be {expected}, not {kind}");
        }

        text = Unescaped(ref reader, field, index, lineNumber, out var error);
        return error;
    }

    // The string's UTF-8 bytes with escapes resolved, in a scratch buffer valid until the next call.
    private ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader, string field, int index, int? lineNumber, out EventError? error)
    {
        if (!CheckEscapes(ref reader, field, index, lineNumber, out error))
        {
            return default;
        }

        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        var length = reader.ValueSpan.Length;
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        return _scratch.AsSpan(0, reader.CopyString(_scratch));
    }

    // Escaped strings may spell a lone surrogate (\ud800) that no UTF-8 check sees; System.Text.Json would throw on it.
    // Runs only when the record holds one somewhere, to name the field that holds it.
    private bool CheckEscapes(ref Utf8JsonReader reader, string field, int index, int? lineNumber, [NotNullWhen(false)] out EventError? error)
    {
        error = null;
        if (_loneSurrogateAt is null || reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
        {
            return true;
        }

        var raw = reader.ValueSpan;
        if (FindLoneSurrogateEscape(raw) is { } at)
        {
            error = new EventError(index, lineNumber, field, $"holds an escaped lone surrogate ({Encoding.ASCII.GetString(raw.Slice(at, 6))}), which is not text");
            return false;
        }

        return true;
    }

    /// <summary>The position of the first <c>\uXXXX</c> escape that is half of a surrogate pair without its other half.</summary>
    internal static int? FindLoneSurrogateEscape(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != '\\')
            {
                i++;
                continue;
            }

            if (i + 1 < raw.Length && raw[i + 1] == 'u' && TryHex(raw, i + 2, out var unit))
            {
                if (unit is >= 0xDC00 and <= 0xDFFF)
                {
                    return i;
                }

                if (unit is >= 0xD800 and <= 0xDBFF)
                {
                    if (i + 7 < raw.Length && raw[i + 6] == '\\' && raw[i + 7] == 'u' && TryHex(raw, i + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
                    {
                        i += 12;
                        continue;
                    }

                    return i;
                }

                i += 6;
                continue;
            }

            i += 2;
        }

        return null;
    }

    private static bool TryHex(ReadOnlySpan<byte> raw, int start, out int value)
    {
        value = 0;
        if (start + 4 > raw.Length)
        {
            return false;
        }

        for (var i = start; i < start + 4; i++)
        {
            var digit = HexValue(raw[i]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

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
                return new EventError(index, lineNumber, field, $"must be true or false, not {kind}");
        }
    }

    // Values echoed in messages: at most 64 characters, control characters shown as escapes.
    private static string Printable(ReadOnlySpan<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8.Length > 256 ? utf8[..256] : utf8);
        var builder = new StringBuilder(Math.Min(text.Length, 70));
        foreach (var c in text)
        {
            if (builder.Length >= 64)
            {
                builder.Append("...");
                break;
            }

            if (char.IsControl(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // A JSON value's kind with its article, for messages: "a number", "an array".
    internal static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
