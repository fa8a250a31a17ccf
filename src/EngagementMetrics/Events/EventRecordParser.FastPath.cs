using System.Buffers;
using System.Text;

namespace EngagementMetrics.Events;

/// <summary>
/// The fast path of <see cref="EventRecordParser"/>: a scanner for the shape nearly every record has, a flat JSON
/// object of known fields whose values are strings without escapes, booleans or null. It accepts a record only when
/// the record is valid JSON, every rule holds and the general path would make exactly the same row of it; for anything
/// else (an escape, a number, a nested value, an unknown or repeated field, a syntax error, a broken rule) it gives up
/// and the general path, built on <see cref="System.Text.Json.Utf8JsonReader"/>, reads the record from the start and
/// words the error. So the fast path changes how quickly records are read, never what is accepted or what an error says.
/// </summary>
internal sealed partial class EventRecordParser
{
    // The end of a string's content: its closing quote, or a raw control character (never valid inside a JSON string).
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create([
        (byte)'"', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    /// <summary>Parses a record that is valid UTF-8 and holds no backslash; false to leave it to the general path.</summary>
    /// <param name="record">The record.</param>
    /// <param name="index">Zero-based record number.</param>
    /// <param name="lineNumber">One-based line, or <see langword="null"/>.</param>
    /// <param name="batch">Where the row goes.</param>
    /// <param name="mayHoldDelete">False when the record holds no DEL (0x7F) anywhere: its strings need no check for it.</param>
    /// <param name="ascii">True when the record is all ASCII (its event id has as many UTF-16 code units as bytes).</param>
    /// <remarks>On false nothing of the record is kept in <paramref name="batch"/> (the caller restores its arena).</remarks>
    private bool TryFast(ReadOnlySpan<byte> record, int index, int? lineNumber, EventRowBatch batch, bool mayHoldDelete, bool ascii)
    {
        var at = SkipSpace(record, 0);
        if (at >= record.Length || record[at] != '{')
        {
            return false;
        }

        int eventIdStart = -1, eventIdLength = 0, eventIdChars = -1;
        string? accountId = null, botId = null, userId = null, conversationId = null, channel = null, goal = null, tag = null;
        DateTimeOffset timestamp = default;
        InteractionKind kind = default;
        bool? intentMatched = null, fallback = null, apiError = null;
        bool hasKind = false, hasTimestamp = false;
        var seen = 0;
        at = SkipSpace(record, at + 1);
        while (true)
        {
            // A property name, then ':'.
            var field = KnownName(record, ref at);
            if (field == Field.Unknown || (seen & (1 << (int)field)) != 0)
            {
                return false;
            }

            seen |= 1 << (int)field;
            at = SkipSpace(record, at);
            if (at >= record.Length || record[at] != ':')
            {
                return false;
            }

            at = SkipSpace(record, at + 1);
            if (at >= record.Length)
            {
                return false;
            }

            // The value: a string, true, false or null; anything else is for the general path.
            var first = record[at];
            ReadOnlySpan<byte> text = default;
            bool isString = false, isNull = false, flag = false;
            if (first == '"')
            {
                if (!TryString(record, ref at, out text))
                {
                    return false;
                }

                isString = true;
            }
            else if (record[at..].StartsWith("true"u8))
            {
                flag = true;
                at += 4;
            }
            else if (record[at..].StartsWith("false"u8))
            {
                at += 5;
            }
            else if (record[at..].StartsWith("null"u8))
            {
                isNull = true;
                at += 4;
            }
            else
            {
                return false;
            }

            switch (field)
            {
                case Field.IntentMatched or Field.Fallback or Field.Error:
                    if (isString)
                    {
                        return false;
                    }

                    bool? value = isNull ? null : flag;
                    if (field == Field.IntentMatched)
                    {
                        intentMatched = value;
                    }
                    else if (field == Field.Fallback)
                    {
                        fallback = value;
                    }
                    else
                    {
                        apiError = value;
                    }

                    break;
                case Field.Timestamp:
                    if (isString)
                    {
                        if (Rfc3339.TryParseUtf8(text, out timestamp, out _))
                        {
                            hasTimestamp = true;
                        }
                        else
                        {
                            return false;
                        }
                    }
                    else if (!isNull)
                    {
                        return false;
                    }

                    break;
                case Field.Kind:
                    if (isString)
                    {
                        if (!TryKind(text, out kind))
                        {
                            return false;
                        }

                        hasKind = true;
                    }
                    else if (!isNull)
                    {
                        return false;
                    }

                    break;
                default:
                    if (!isString)
                    {
                        if (!isNull)
                        {
                            return false;
                        }

                        break;
                    }

                    // Without escapes, only DEL can be a character the rules refuse (raw control characters end the
                    // string above).
                    if (mayHoldDelete && text.Contains((byte)0x7F))
                    {
                        return false;
                    }

                    if (field == Field.EventId)
                    {
                        text.CopyTo(batch.IdSpace(text.Length));
                        eventIdStart = batch.IdsUsed;
                        eventIdLength = text.Length;
                        batch.IdsUsed += text.Length;
                        eventIdChars = ascii || System.Text.Ascii.IsValid(text) ? text.Length : Encoding.UTF8.GetCharCount(text);
                        break;
                    }

                    var fieldName = FieldNames[(int)field];
                    var s = Cached(fieldName, text);
                    switch (field)
                    {
                        case Field.AccountId: accountId = s; break;
                        case Field.BotId: botId = s; break;
                        case Field.UserId: userId = s; break;
                        case Field.ConversationId: conversationId = s; break;
                        case Field.Channel: channel = s; break;
                        case Field.Goal: goal = s; break;
                        case Field.Tag: tag = s; break;
                    }

                    break;
            }

            // Then ',' and the next property, or '}' and nothing but white space.
            at = SkipSpace(record, at);
            if (at >= record.Length)
            {
                return false;
            }

            if (record[at] == ',')
            {
                at = SkipSpace(record, at + 1);
                continue;
            }

            if (record[at] != '}' || SkipSpace(record, at + 1) != record.Length)
            {
                return false;
            }

            break;
        }

        if (string.IsNullOrWhiteSpace(botId) || !hasKind || !hasTimestamp
            || InteractionEventValidator.ValidateFields(
                botId, kind, userId, timestamp.UtcTicks == 0, null, eventIdChars, accountId, conversationId, channel, goal, tag, index, lineNumber, textChecked: true) is not null)
        {
            return false;
        }

        AddRow(batch, botId, accountId, userId, conversationId, channel, goal, tag, timestamp, kind, intentMatched, fallback, apiError, eventIdStart, eventIdLength);
        return true;
    }

    // The field whose name, quotes included, starts at 'at', and 'at' past its closing quote; Unknown (and 'at' as it
    // was) for any other name. The record holds no backslash, so a name is exactly the bytes between its quotes: one
    // comparison with the one or two names that start with its first letter tells it, without searching for the quote.
    // The names are spelled out as u8 constants, quote included, rather than taken from FieldNamesUtf8: the JIT turns
    // each comparison with a constant into one or two loads and compares, and a loop over a table of the same names
    // (tried) made the reader alone slower: 353-450 ms against 385-612 per 1M lines, alternating runs.
    private static Field KnownName(ReadOnlySpan<byte> record, scoped ref int at)
    {
        var rest = record[at..];
        if (rest.Length < 6 || rest[0] != '"')
        {
            return Field.Unknown;
        }

        rest = rest[1..];
        var (field, length) = rest[0] switch
        {
            (byte)'e' when rest.StartsWith("eventId\""u8) => (Field.EventId, 7),
            (byte)'e' when rest.StartsWith("error\""u8) => (Field.Error, 5),
            (byte)'a' when rest.StartsWith("accountId\""u8) => (Field.AccountId, 9),
            (byte)'b' when rest.StartsWith("botId\""u8) => (Field.BotId, 5),
            (byte)'u' when rest.StartsWith("userId\""u8) => (Field.UserId, 6),
            (byte)'c' when rest.StartsWith("conversationId\""u8) => (Field.ConversationId, 14),
            (byte)'c' when rest.StartsWith("channel\""u8) => (Field.Channel, 7),
            (byte)'t' when rest.StartsWith("timestamp\""u8) => (Field.Timestamp, 9),
            (byte)'t' when rest.StartsWith("tag\""u8) => (Field.Tag, 3),
            (byte)'k' when rest.StartsWith("kind\""u8) => (Field.Kind, 4),
            (byte)'i' when rest.StartsWith("intentMatched\""u8) => (Field.IntentMatched, 13),
            (byte)'f' when rest.StartsWith("fallback\""u8) => (Field.Fallback, 8),
            (byte)'g' when rest.StartsWith("goal\""u8) => (Field.Goal, 4),
            _ => (Field.Unknown, 0),
        };
        if (field != Field.Unknown)
        {
            at += length + 2;
        }

        return field;
    }

    // JSON white space: space, tab, line feed, carriage return (nothing else).
    private static int SkipSpace(ReadOnlySpan<byte> record, int at)
    {
        while (at < record.Length && record[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            at++;
        }

        return at;
    }

    // A string starting at 'at' (its opening quote): its content, and 'at' past its closing quote. False for a raw
    // control character or a missing closing quote (the record holds no backslash, so the next quote closes it).
    private static bool TryString(ReadOnlySpan<byte> record, scoped ref int at, out ReadOnlySpan<byte> content)
    {
        content = default;
        if (at >= record.Length || record[at] != '"')
        {
            return false;
        }

        var rest = record[(at + 1)..];
        var end = rest.IndexOfAny(StringEnd);
        if (end < 0 || rest[end] != '"')
        {
            return false;
        }

        content = rest[..end];
        at += end + 2;
        return true;
    }

    private static bool TryKind(ReadOnlySpan<byte> text, out InteractionKind kind)
    {
        var names = InteractionKinds.Names;
        for (var i = 0; i < names.Count; i++)
        {
            if (text.Length == names[i].Length && System.Text.Ascii.Equals(text, names[i]))
            {
                kind = (InteractionKind)i;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
