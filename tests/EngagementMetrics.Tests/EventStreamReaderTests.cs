using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using EngagementMetrics.Events;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary>The streaming reader: hostile bytes, framing, batches, and properties on random and mutated input.</summary>
public class EventStreamReaderTests
{
    private const string Valid = """{"eventId":"e1","botId":"b","userId":"u","conversationId":"c","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""";

    [Fact]
    public void Read_EscapedLoneSurrogateInUserId_IsRefusedNamingTheField()
    {
        var error = SingleError("""{"botId":"b","userId":"A\ud800A","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""");
        error.Field.Should().Be("userId");
        error.Message.Should().Contain("lone surrogate").And.Contain("\\ud800");
    }

    [Theory]
    [InlineData("\\udc00")]
    [InlineData("\\ud800\\u0041")]
    [InlineData("\\ud800\\ud800")]
    [InlineData("x\\ud83d")]
    public void Read_EveryEscapedLoneSurrogate_IsRefused(string escaped) =>
        SingleError($$"""{"botId":"b","userId":"{{escaped}}","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""").Field.Should().Be("userId");

    [Fact]
    public void Read_EscapedSurrogatePair_IsText()
    {
        var read = Read("""{"botId":"b","userId":"\ud83d\ude00","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""");
        read.Errors.Should().BeEmpty();
        read.Events.Single().UserId.Should().Be("\U0001F600");
    }

    [Fact]
    public void Read_LoneSurrogateInsideAnUnknownField_IsRefused() =>
        SingleError("""{"botId":"b","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in","meta":{"note":["\udfff"]}}""").Message.Should().Contain("lone surrogate");

    [Fact]
    public void Read_RawLoneSurrogateBytes_AreInvalidUtf8()
    {
        var line = Bytes("{\"botId\":\"b\",\"userId\":\"A", new byte[] { 0xED, 0xA0, 0x80 }, "A\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"kind\":\"message_in\"}");
        var error = SingleError(line);
        error.Field.Should().Be("$");
        error.Message.Should().Contain("invalid UTF-8 at byte 25 (ED");
    }

    [Fact]
    public void Read_InvalidUtf8_IsRefusedSoTwoDifferentRawIdsNeverBecomeOne()
    {
        var first = Bytes("{\"botId\":\"b\",\"userId\":\"u", new byte[] { 0xFF }, "\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"kind\":\"message_in\"}");
        var second = Bytes("{\"botId\":\"b\",\"userId\":\"u", new byte[] { 0xFE }, "\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"kind\":\"message_in\"}");
        var read = Read([.. first, (byte)'\n', .. second]);
        read.Events.Should().BeEmpty();
        read.Errors.Select(e => (e.LineNumber, e.Field)).Should().Equal((1, "$"), (2, "$"));
        read.Errors[0].Message.Should().StartWith("invalid UTF-8 at byte 25 (FF)");
    }

    [Fact]
    public void Read_InvalidUtf8InAnUnknownField_IsRefused() =>
        SingleError(Bytes("{\"botId\":\"b\",\"userId\":\"u\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"kind\":\"message_in\",\"x\":\"", new byte[] { 0xC3, 0x28 }, "\"}")).Message.Should().StartWith("invalid UTF-8");

    [Theory]
    [InlineData("""{"botId":"a","botId":"b","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""", "botId")]
    [InlineData("""{"botId":"a","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in","kind":"message_out"}""", "kind")]
    [InlineData("""{"botId":"a","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":null,"kind":"message_out"}""", "kind")]
    [InlineData("""{"botId":"a","bot\u0049d":"b","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""", "botId")]
    [InlineData("""{"botId":"a","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in","note":1,"note":2}""", "note")]
    public void Read_DuplicateProperty_IsRefusedNamingIt(string line, string field)
    {
        var error = SingleError(line);
        error.Field.Should().Be(field);
        error.Message.Should().Be("appears twice in the event; every property may be given once");
    }

    [Theory]
    [InlineData("userId", "\\u0000", "U+0000")]
    [InlineData("botId", "b\\u001f", "U+001F")]
    [InlineData("conversationId", "c\\nd", "U+000A")]
    [InlineData("channel", "rtm\u007F", "U+007F")]
    [InlineData("eventId", "\\t", "U+0009")]
    public void Read_ControlCharacterInAnId_IsRefused(string field, string value, string code)
    {
        var fields = new Dictionary<string, string> { ["botId"] = "b", ["userId"] = "u", ["timestamp"] = "2025-01-01T00:00:00Z", ["kind"] = "message_in" };
        fields[field] = value;
        var line = "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":\"{f.Value}\"")) + "}";
        var error = SingleError(line);
        error.Field.Should().Be(field);
        error.Message.Should().Contain("control character " + code);
    }

    [Theory]
    [InlineData("2025-02-30T00:00:00Z", "'2025-02-30T00:00:00Z' 2025-02-30 is not a calendar date")]
    [InlineData("2025-02-29T00:00:00Z", "'2025-02-29T00:00:00Z' 2025-02-29 is not a calendar date")]
    [InlineData("2016-12-31T23:59:60Z", "'2016-12-31T23:59:60Z' is a leap second (:60); leap seconds are not supported")]
    [InlineData("2025-01-01T24:00:00Z", "'2025-01-01T24:00:00Z' has hour 24; write 00:00 of the next day")]
    [InlineData("2025-01-01T25:00:00Z", "'2025-01-01T25:00:00Z' has hour 25, which does not exist")]
    [InlineData("2025-01-01T10:60:00Z", "'2025-01-01T10:60:00Z' has minute 60, which does not exist")]
    [InlineData("2025-13-01T10:00:00Z", "'2025-13-01T10:00:00Z' has month 13, which does not exist")]
    [InlineData("0000-01-01T10:00:00Z", "'0000-01-01T10:00:00Z' has year 0000, which does not exist")]
    [InlineData("2025-01-01T10:00:00+15:00", "'2025-01-01T10:00:00+15:00' has offset +15:00, outside -14:00 to +14:00")]
    [InlineData("2025-01-01T10:00:00+05:60", "'2025-01-01T10:00:00+05:60' has offset +05:60, outside -14:00 to +14:00")]
    [InlineData("2025-01-01T10:00:00", "'2025-01-01T10:00:00' is not an RFC 3339 instant with Z or an offset (e.g. 2025-12-03T11:40:00Z)")]
    [InlineData("2025-01-01T10:00:00.Z", "'2025-01-01T10:00:00.Z' has a '.' without fraction digits after the seconds")]
    [InlineData("0001-01-01T00:00:00+01:00", "'0001-01-01T00:00:00+01:00' is outside the supported range (0001-01-01 to 9999-12-31 in UTC)")]
    [InlineData("yesterday", "'yesterday' is not an RFC 3339 date-time (expected e.g. 2025-12-03T11:40:00Z)")]
    public void Read_ImpossibleInstant_SaysWhatIsWrong(string timestamp, string message)
    {
        var error = SingleError($$"""{"botId":"b","userId":"u","timestamp":"{{timestamp}}","kind":"message_in"}""");
        error.Field.Should().Be("timestamp");
        error.Message.Should().Be(message);
    }

    [Fact]
    public void Read_TimestampOfWrongType_NamesTheType() =>
        SingleError("""{"botId":"b","userId":"u","timestamp":1735689600,"kind":"message_in"}""").Message.Should().Be("must be an RFC 3339 string such as 2025-12-03T11:40:00Z, not a number");

    [Fact]
    public void Read_MalformedJson_IsDescribedInOurWordsWithTheByte()
    {
        var error = SingleError("""{"botId":}""");
        error.Field.Should().Be("$");
        error.Message.Should().StartWith("malformed JSON at byte 10: ").And.NotContain("LineNumber").And.NotContain("BytePositionInLine");
    }

    [Fact]
    public void Read_LinesFramedAnyWay_AreRead()
    {
        // BOM, CRLF, blank and whitespace lines, and a last line without a terminator.
        var text = "\uFEFF" + Valid + "\r\n\r\n   \t\n" + Valid.Replace("e1", "e2", StringComparison.Ordinal) + "\n\n" + Valid.Replace("e1", "e3", StringComparison.Ordinal);
        var read = Read(Encoding.UTF8.GetBytes(text));
        read.Errors.Should().BeEmpty();
        read.Positions.Should().Equal(1, 4, 6);
        read.RecordCount.Should().Be(3);
    }

    [Fact]
    public async Task Read_LineLongerThanTheLimit_IsOneErrorAndReadingGoesOn()
    {
        var longLine = "{\"botId\":\"b\",\"userId\":\"u\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"kind\":\"message_in\",\"pad\":\"" + new string('x', 300_000) + "\"}";
        var bytes = Encoding.UTF8.GetBytes(Valid + "\n" + longLine + "\n" + Valid.Replace("e1", "e2", StringComparison.Ordinal) + "\n");
        await using var reader = new EventStreamReader(new TrickleStream(bytes, 7919), new EventReaderOptions { MaxRecordBytes = 64 * 1024 });
        var batch = (await reader.ReadBatchAsync())!;
        batch.Positions.Should().Equal(1, 3);
        batch.Errors.Single().Should().Be(new EventError(1, 2, "$", "the line is longer than 65536 bytes"));
        (await reader.ReadBatchAsync()).Should().BeNull();
    }

    [Fact]
    public async Task ReadBatch_ReturnsBatchesWithPositionsFromTheStartAndCountsBytes()
    {
        var lines = Enumerable.Range(0, 10).Select(i => i == 4 ? "oops" : Valid.Replace("e1", "e" + i, StringComparison.Ordinal)).ToArray();
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        await using var reader = new EventStreamReader(new MemoryStream(bytes), new EventReaderOptions { BatchSize = 3 });
        var sizes = new List<int>();
        var positions = new List<int>();
        while (await reader.ReadBatchAsync() is { } batch)
        {
            sizes.Add(batch.RecordCount);
            positions.AddRange(batch.Positions);
            foreach (var error in batch.Errors)
            {
                error.Should().Be(new EventError(4, 5, "$", "malformed JSON at byte 1: 'o' is an invalid start of a value"));
            }
        }

        sizes.Should().Equal(3, 3, 3, 1);
        positions.Should().Equal(1, 2, 3, 4, 6, 7, 8, 9, 10);
        reader.BytesRead.Should().Be(bytes.Length);
        reader.RecordsRead.Should().Be(10);
    }

    [Theory]
    [InlineData("[]", 0, null)]
    [InlineData(" \n[ \n] \n", 0, null)]
    [InlineData("", 0, "the body is empty: expected a JSON array of event objects")]
    [InlineData("{}", 0, "the body must be a JSON array of event objects")]
    [InlineData("[" + Valid + "", 1, "the JSON array is not closed")]
    [InlineData("[" + Valid + ",]", 1, "malformed JSON: a ',' after element 0 is followed by ']'")]
    [InlineData("[" + Valid + "] x", 1, "unexpected content after the JSON array")]
    [InlineData("[" + Valid + " " + Valid + "]", 1, "malformed JSON after element 0: expected ',' or ']'")]
    [InlineData("[" + Valid + ", {\"botId\": ]", 1, "element 1: malformed JSON at byte 11: ']' is an invalid start of a value; the rest of the body was not read")]
    public void ReadArray_Framing(string body, int events, string? error)
    {
        var read = EventJsonReader.ReadJsonArray(Encoding.UTF8.GetBytes(body));
        read.Events.Should().HaveCount(events);
        if (error is null)
        {
            read.Errors.Should().BeEmpty();
        }
        else
        {
            read.Errors.Should().ContainSingle().Which.Message.Should().Be(error);
        }
    }

    [Fact]
    public void ReadArray_ElementsThatAreNotObjects_AreNamedByIndex()
    {
        var read = EventJsonReader.ReadJsonArray(Encoding.UTF8.GetBytes("[" + Valid + ", [1], null, \"x\"," + Valid + "]"));
        read.Positions.Should().Equal(0, 4);
        read.Errors.Select(e => e.ToString()).Should().Equal(
            "event 1: $: the element is an array, not a JSON object",
            "event 2: $: the element is null, not a JSON object",
            "event 3: $: the element is a string, not a JSON object");
    }

    [Fact]
    public void ReadArray_HostileElement_IsRefusedAndTheRestIsRead()
    {
        var body = Bytes("[" + Valid + ",", Encoding.UTF8.GetBytes("""{"botId":"b","userId":"A\ud800","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}"""), Encoding.UTF8.GetBytes("," + Valid + "]"));
        var read = EventJsonReader.ReadJsonArray(body);
        read.Positions.Should().Equal(0, 2);
        read.Errors.Single().Should().Match<EventError>(e => e.Index == 1 && e.Field == "userId");
    }

    [Fact]
    public async Task ReadArray_ElementLongerThanTheLimit_EndsTheRead()
    {
        var big = "{\"botId\":\"b\",\"userId\":\"u\",\"timestamp\":\"2025-01-01T00:00:00Z\",\"kind\":\"message_in\",\"pad\":\"" + new string('x', 100_000) + "\"}";
        var bytes = Encoding.UTF8.GetBytes("[" + Valid + "," + big + "," + Valid + "]");
        await using var reader = new EventStreamReader(new MemoryStream(bytes), new EventReaderOptions { Format = EventFormat.JsonArray, MaxRecordBytes = 16 * 1024 });
        var batch = (await reader.ReadBatchAsync())!;
        batch.Events.Should().HaveCount(1);
        batch.Errors.Single().Message.Should().Be("element 1 is longer than 16384 bytes; the rest of the body was not read");
        (await reader.ReadBatchAsync()).Should().BeNull();
    }

    [Fact]
    public void Reader_RejectsOptionsOutOfRange()
    {
        var act = () => new EventStreamReader(new MemoryStream(), new EventReaderOptions { BatchSize = 0 });
        act.Should().Throw<ArgumentOutOfRangeException>();
        act = () => new EventStreamReader(new MemoryStream(), new EventReaderOptions { MaxRecordBytes = 10 });
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    // ---- Properties ----

    private static readonly string[] Kinds = [.. InteractionKinds.Names];

    private static Gen<InteractionEvent> EventGen =>
        from kind in Gen.Choose(0, 9)
        from user in Gen.Elements("u", "Zoë", "用户", "\U0001F600", "a\"b\\c", "x y")
        from botId in Gen.Elements("b", "bot-é")
        from hasConversation in Gen.Elements(true, false)
        from seconds in Gen.Choose(0, 86_400 * 400)
        from millis in Gen.Choose(0, 999)
        from offsetMinutes in Gen.Elements(0, 330, -480, 765)
        from flag in Gen.Elements<bool?>(null, true, false)
        from channel in Gen.Elements<string?>(null, "rtm", "Slack")
        select new InteractionEvent
        {
            EventId = "e" + seconds,
            BotId = botId,
            UserId = user,
            ConversationId = hasConversation ? "c" + (seconds % 97) : null,
            Timestamp = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(seconds).AddMilliseconds(millis).ToOffset(TimeSpan.FromMinutes(offsetMinutes)),
            Kind = (InteractionKind)kind,
            Channel = channel,
            IntentMatched = kind == 0 ? flag : null,
            Fallback = kind == 2 ? flag : null,
            Error = kind == 7 ? flag : null,
            Goal = kind == 6 ? "signup" : null,
            Tag = kind == 8 ? "vip" : null,
        };

    [Fact]
    public void Property_AcceptedLineRoundTripsToTheSameEvent()
    {
        var property = Prop.ForAll(EventGen.ToArbitrary(), evt =>
        {
            var read = Read(Serialize(evt));
            return read.Errors.Count == 0 && read.Events.Single() == evt && read.Events.Single().Timestamp.Offset == evt.Timestamp.Offset;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Fact]
    public void Property_RandomBytes_NeverThrowAndNeverAcceptInvalidUtf8()
    {
        var property = Prop.ForAll(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary(), bytes => Holds(bytes));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }

    [Fact]
    public void Property_MutatedLines_NeverThrowNeverAcceptInvalidUtf8AndAcceptedLinesRoundTrip()
    {
        var mutation =
            from evt in EventGen
            from position in Gen.Choose(0, 10_000)
            from op in Gen.Choose(0, 3)
            from value in Gen.Elements<byte>(0x00, 0x7F, 0x80, 0xC3, 0xED, 0xA0, 0xFF, (byte)'"', (byte)'\\', (byte)'u', (byte)'{', (byte)'}', (byte)',', (byte)':', (byte)'d', (byte)'8', (byte)'\n')
            select (Line: Serialize(evt), Position: position, Op: op, Value: value);
        var property = Prop.ForAll(mutation.ToArbitrary(), m =>
        {
            var bytes = m.Line.ToList();
            var at = m.Position % bytes.Count;
            switch (m.Op)
            {
                case 0: bytes[at] = m.Value; break;
                case 1: bytes.Insert(at, m.Value); break;
                case 2: bytes.RemoveAt(at); break;
                default: bytes.InsertRange(at, "\\ud800"u8.ToArray()); break;
            }

            return Holds([.. bytes]);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }

    [Fact]
    public void Property_ColumnsGiveEveryFieldAsTheBuiltEventHasIt()
    {
        var property = Prop.ForAll(EventGen.ArrayOf().ToArbitrary(), events =>
        {
            var body = string.Join('\n', events.Select(e => Encoding.UTF8.GetString(Serialize(e))));
            using var reader = new EventStreamReader(new MemoryStream(Encoding.UTF8.GetBytes(body)), new EventReaderOptions { BatchSize = 1000 });
            var batch = reader.ReadBatchAsync().AsTask().GetAwaiter().GetResult();
            if (events.Length == 0)
            {
                return batch is null;
            }

            var columns = (EventColumns)batch!.Events;
            for (var i = 0; i < events.Length; i++)
            {
                var e = events[i];
                var ok = columns[i] == e && columns[i] != (object)columns[i]
                    && columns.GetBotId(i) == e.BotId && columns.GetAccountId(i) == e.AccountId && columns.GetUserId(i) == e.UserId
                    && columns.GetConversationId(i) == e.ConversationId && columns.GetChannel(i) == e.Channel && columns.GetGoal(i) == e.Goal
                    && columns.GetTag(i) == e.Tag && columns.GetKind(i) == e.Kind && columns.GetUtcTicks(i) == e.Timestamp.UtcTicks
                    && columns.GetTimestamp(i).Offset == e.Timestamp.Offset && columns.GetIntentMatched(i) == e.IntentMatched
                    && columns.GetFallback(i) == e.Fallback && columns.GetError(i) == e.Error && columns.GetEventId(i) == e.EventId
                    && columns.TryGetEventIdUtf8(i, out var id) == (e.EventId is not null)
                    && id.SequenceEqual(e.EventId is null ? [] : Encoding.UTF8.GetBytes(e.EventId));
                if (!ok)
                {
                    return false;
                }
            }

            return columns.Count == events.Length && columns.SequenceEqual(events) && batch.Positions.SequenceEqual(Enumerable.Range(1, events.Length));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public async Task Batches_KeptByTheCaller_StayIntactWhileLaterBatchesAreRead()
    {
        // A batch's storage is reused only once nothing refers to the batch: one kept across many later batches and
        // collections still reads as it was read.
        var lines = Enumerable.Range(0, 2000).Select(i => $$"""{"eventId":"e{{i}}","botId":"b","userId":"u{{i}}","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""");
        await using var reader = new EventStreamReader(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines))), new EventReaderOptions { BatchSize = 100 });
        var first = (await reader.ReadBatchAsync())!;
        var count = 0;
        while (await reader.ReadBatchAsync() is { } later)
        {
            count += later.Events.Count;
            GC.Collect();
        }

        count.Should().Be(1900);
        first.Events.Select(e => e.EventId).Should().Equal(Enumerable.Range(0, 100).Select(i => $"e{i}"));
        first.Events.Select(e => e.UserId).Should().Equal(Enumerable.Range(0, 100).Select(i => $"u{i}"));
    }

    [Fact]
    public void Property_FastPathReadsEveryRecordAsTheGeneralPathDoes()
    {
        // The reader's fast path (flat objects without escapes) must accept exactly what the general path accepts, as
        // the same event, and give up on everything else so the error is the general path's.
        var mutation =
            from evt in EventGen
            from extra in Gen.Elements("", ",\"note\":1", ",\"note\":\"x\"", ",\"eventId\":\"again\"", " ", "\t", ",\"kind\":null")
            from position in Gen.Choose(0, 10_000)
            from op in Gen.Choose(0, 4)
            from value in Gen.Elements<byte>(0x00, 0x1F, 0x7F, 0xC3, (byte)'"', (byte)' ', (byte)'\t', (byte)'\r', (byte)'{', (byte)'}', (byte)'[', (byte)',', (byte)':', (byte)'1', (byte)'t', (byte)'n', (byte)'e', (byte)'/')
            select (Line: Serialize(evt), Extra: extra, Position: position, Op: op, Value: value);
        var property = Prop.ForAll(mutation.ToArbitrary(), m =>
        {
            var text = Encoding.UTF8.GetString(m.Line);
            var bytes = Encoding.UTF8.GetBytes(text[..^1] + m.Extra + "}").ToList();
            var at = m.Position % bytes.Count;
            switch (m.Op)
            {
                case 0: bytes[at] = m.Value; break;
                case 1: bytes.Insert(at, m.Value); break;
                case 2: bytes.RemoveAt(at); break;
                case 3: break;
                default: bytes.Insert(at, (byte)' '); break;
            }

            var record = bytes.ToArray();
            var fast = ParseOne(record, fastPath: true);
            var general = ParseOne(record, fastPath: false);
            return fast.Error == general.Error
                && fast.Event == general.Event
                && fast.Event?.Timestamp.Offset == general.Event?.Timestamp.Offset;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000), property);
    }

    private static (InteractionEvent? Event, EventError? Error) ParseOne(byte[] record, bool fastPath)
    {
        var batch = new EventRowBatch(4);
        var parser = new EventRecordParser { UseFastPath = fastPath };
        return parser.TryParse(record, 0, 1, "line", batch, out var error)
            ? (new EventColumns(CommitOne(batch))[0], null)
            : (null, error);
    }

    private static EventRowBatch CommitOne(EventRowBatch batch)
    {
        batch.Commit();
        return batch;
    }

    [Fact]
    public void Property_ChunkBoundariesDoNotChangeWhatIsRead()
    {
        var input =
            from events in EventGen.ArrayOf()
            from chunk in Gen.Choose(1, 97)
            from array in Gen.Elements(true, false)
            select (Events: events, Chunk: chunk, Array: array);
        var property = Prop.ForAll(input.ToArbitrary(), c =>
        {
            var records = c.Events.Select(e => Encoding.UTF8.GetString(Serialize(e)));
            var body = Encoding.UTF8.GetBytes(c.Array ? "[" + string.Join(',', records) + "]" : string.Join('\n', records));

            var whole = ReadAll(new MemoryStream(body), c.Array ? EventFormat.JsonArray : EventFormat.JsonLines, 7);
            var trickled = ReadAll(new TrickleStream(body, c.Chunk), c.Array ? EventFormat.JsonArray : EventFormat.JsonLines, 3);
            return whole.Errors.Count == 0 && whole.Events.SequenceEqual(c.Events) && trickled.Events.SequenceEqual(c.Events) && trickled.Positions.SequenceEqual(whole.Positions);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public async Task A_source_that_keeps_up_is_read_in_large_reads_and_a_slow_one_reads_the_same()
    {
        // About 6 MB of lines. A source that fills every read (a file) gets a buffer that doubles up to 1 MB, so it is
        // read in a few dozen reads rather than about a hundred of 64 KB; one handing out 5,000 bytes at a time keeps
        // the first buffer. Both read the same events at the same lines.
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 30_000).Select(i =>
            $$"""{"eventId":"c-{{i / 7:x8}}|{{i:D7}}","botId":"b{{i % 3}}","userId":"u-{{i % 977}}","conversationId":"c-{{i / 7:x8}}","timestamp":"2025-06-01T00:{{i / 1000 % 60:00}}:{{i % 60:00}}.000Z","channel":"rtm","kind":"message_in","intentMatched":true}""")));
        body.Length.Should().BeGreaterThan(5_000_000);
        var fast = new TrickleStream(body, int.MaxValue);
        var slow = new TrickleStream(body, 5_000);

        async Task<List<(int Line, InteractionEvent Event)>> ReadAsync(Stream stream)
        {
            var read = new List<(int, InteractionEvent)>();
            await using var reader = new EventStreamReader(stream, new EventReaderOptions { BatchSize = 4_000 });
            while (await reader.ReadBatchAsync() is { } batch)
            {
                batch.Errors.Should().BeEmpty();
                read.AddRange(batch.Events.Select((e, i) => (batch.Positions[i], e)));
            }

            return read;
        }

        var fromFast = await ReadAsync(fast);
        var fromSlow = await ReadAsync(slow);
        fromFast.Should().HaveCount(30_000);
        fromFast.Should().Equal(fromSlow);
        fast.Reads.Should().BeLessThan(20, "64 KB, 128 KB, ... 1 MB: then about one read per megabyte");
        slow.Reads.Should().BeGreaterThan(body.Length / 5_000);
    }

    [Fact]
    public async Task Reading_ahead_keeps_every_line_whole_across_buffers_short_or_longer_than_the_room_kept_for_it()
    {
        // A source that keeps up is read one buffer ahead, the unfinished line of a buffer moved in front of the next
        // one (or, longer than the 64 KB kept for it, the next one's bytes moved after it). Lines of 200 bytes to
        // 300 KB, CRLF and LF, blank lines and bad ones, against a source handing out 7,001 bytes at a time, which
        // never reads ahead: the same events, positions, errors and bytes read.
        var random = new Random(9);
        var lines = new List<string>();
        int bad = 0, blank = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var note = random.Next(200) == 0 ? new string('n', random.Next(70_000, 300_000)) : "x";
            lines.Add(i % 997 == 5 ? "{not json" : i % 501 == 7 ? "  " :
                $$"""{"eventId":"e{{i}}","botId":"b","userId":"u-{{i % 131}}","timestamp":"2025-06-01T00:00:{{i % 60:00}}Z","kind":"message_in","note":"{{note}}"}""");
            bad += i % 997 == 5 ? 1 : 0;
            blank += i % 997 != 5 && i % 501 == 7 ? 1 : 0;
        }

        var body = Encoding.UTF8.GetBytes(string.Concat(lines.Select((l, i) => l + (i % 3 == 0 ? "\r\n" : "\n"))));
        body.Length.Should().BeGreaterThan(8_000_000);

        async Task<(List<(int Line, InteractionEvent Event)> Events, List<string> Errors, long Bytes)> ReadAsync(Stream stream)
        {
            var events = new List<(int, InteractionEvent)>();
            var errors = new List<string>();
            await using var reader = new EventStreamReader(stream, new EventReaderOptions { BatchSize = 3_000 });
            while (await reader.ReadBatchAsync() is { } batch)
            {
                events.AddRange(batch.Events.Select((e, i) => (batch.Positions[i], e)));
                errors.AddRange(batch.Errors.Select(e => e.ToString()));
            }

            return (events, errors, reader.BytesRead);
        }

        var ahead = await ReadAsync(new TrickleStream(body, int.MaxValue));
        var trickled = await ReadAsync(new TrickleStream(body, 7_001));
        ahead.Events.Should().HaveCount(20_000 - bad - blank).And.Equal(trickled.Events);
        ahead.Errors.Should().HaveCount(bad).And.Equal(trickled.Errors);
        ahead.Bytes.Should().Be(body.Length).And.Be(trickled.Bytes);
    }

    [Fact]
    public async Task A_reader_disposed_while_reading_ahead_waits_for_a_read_that_cannot_be_cancelled()
    {
        var (reader, stream) = await ReaderWithHeldReadAheadAsync(honorsCancellation: false);

        // Like a file's read (a system call), this one ignores the cancellation: disposing must wait for it rather
        // than hand the buffer it writes into back to the pool.
        var disposing = reader.DisposeAsync().AsTask();
        await Task.Delay(100);
        disposing.IsCompleted.Should().BeFalse("a read ahead is still writing into the reader's spare buffer");
        stream.Release();
        await disposing;
    }

    [Fact]
    public async Task A_cancelled_read_and_then_disposing_do_not_wait_for_a_stalled_source()
    {
        var (reader, _) = await ReaderWithHeldReadAheadAsync(honorsCancellation: true);

        // The source stalls (held) with a read ahead under way: a cancelled ReadBatchAsync gives up at once when it
        // needs that read, and disposing cancels the read itself instead of hanging.
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var reading = async () =>
        {
            while (await reader.ReadBatchAsync(cancel.Token) is not null)
            {
            }
        };
        await reading.Should().ThrowAsync<OperationCanceledException>();
        await reader.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Reading_ahead_never_asks_for_more_than_a_megabyte_at_a_time_even_after_long_lines()
    {
        // Lines of 300 KB and 900 KB straddle the fills (longer than the 64 KB kept in front of a read ahead for the
        // unfinished line); the reads asked of the source stay at most 1 MB, so the buffers do not double on their own.
        var lines = Enumerable.Range(0, 400).Select(i => i % 9 == 4 ? $$"""{"botId":"b","userId":"long","kind":"message_in","timestamp":"2025-06-01T00:00:00Z","note":"{{new string('n', i % 2 == 0 ? 300_000 : 900_000)}}"}""" : $$"""{"botId":"b","userId":"u{{i}}","kind":"message_in","timestamp":"2025-06-01T00:00:00Z"}""");
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Repeat(lines, 5).SelectMany(l => l)));
        var stream = new TrickleStream(body, int.MaxValue);
        await using var reader = new EventStreamReader(stream, new EventReaderOptions { BatchSize = 50 });
        var events = 0;
        while (await reader.ReadBatchAsync() is { } batch)
        {
            batch.Errors.Should().BeEmpty();
            events += batch.Events.Count;
        }

        events.Should().Be(2_000);
        stream.LargestRead.Should().BeLessThanOrEqualTo(1 << 20);
    }

    // A reader over a gated stream, read until its read ahead is under way and held.
    private static async Task<(EventStreamReader Reader, GatedStream Stream)> ReaderWithHeldReadAheadAsync(bool honorsCancellation)
    {
        var body = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 60_000).Select(i =>
            $$"""{"botId":"b","userId":"u{{i}}","timestamp":"2025-06-01T00:00:00Z","kind":"message_in"}""")));
        var stream = new GatedStream(body, honorsCancellation);
        var reader = new EventStreamReader(stream, new EventReaderOptions { BatchSize = 10 });
        while (stream.Reads < 7)
        {
            (await reader.ReadBatchAsync()).Should().NotBeNull();
        }

        // Held from the next read on: the reader starts it ahead of what it parses, and the batches go on meanwhile.
        stream.Hold();
        while (stream.Reads < 8)
        {
            (await reader.ReadBatchAsync()).Should().NotBeNull("the read ahead, not the batch, waits for the held read");
        }

        return (reader, stream);
    }

    // The reader's contract on any bytes: no exception; every accepted record is valid UTF-8 and round-trips.
    private static bool Holds(byte[] bytes)
    {
        var read = Read(bytes);
        var lines = SplitLines(bytes);
        for (var i = 0; i < read.Events.Count; i++)
        {
            var line = lines[read.Positions[i] - 1];
            if (!Utf8.IsValid(line))
            {
                return false;
            }

            var again = Read(Serialize(read.Events[i]));
            if (again.Errors.Count != 0 || again.Events.Single() != read.Events[i])
            {
                return false;
            }
        }

        return read.RecordCount == read.Events.Count + read.Errors.Count;
    }

    private static List<byte[]> SplitLines(byte[] bytes)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == '\n')
            {
                var end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                lines.Add(bytes[start..end]);
                start = i + 1;
            }
        }

        return lines;
    }

    // Relaxed escaping, as EventJsonWriter writes: non-ASCII and '+' stay raw, so generated records
    // reach the reader's fast path (which hands any record with an escape to the general path).
    private static byte[] Serialize(InteractionEvent evt)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            void Text(string name, string? value)
            {
                if (value is not null)
                {
                    writer.WriteString(name, value);
                }
            }

            void Flag(string name, bool? value)
            {
                if (value is { } v)
                {
                    writer.WriteBoolean(name, v);
                }
            }

            Text("eventId", evt.EventId);
            Text("accountId", evt.AccountId);
            Text("botId", evt.BotId);
            Text("userId", evt.UserId);
            Text("conversationId", evt.ConversationId);
            writer.WriteString("timestamp", evt.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", System.Globalization.CultureInfo.InvariantCulture));
            Text("channel", evt.Channel);
            writer.WriteString("kind", Kinds[(int)evt.Kind]);
            Flag("intentMatched", evt.IntentMatched);
            Flag("fallback", evt.Fallback);
            Text("goal", evt.Goal);
            Flag("error", evt.Error);
            Text("tag", evt.Tag);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static EventReadResult Read(string line) => Read(Encoding.UTF8.GetBytes(line));

    private static EventReadResult Read(byte[] bytes) => ReadAll(new MemoryStream(bytes), EventFormat.JsonLines, 1000);

    private static EventReadResult ReadAll(Stream stream, EventFormat format, int batchSize)
    {
        var events = new List<InteractionEvent>();
        var positions = new List<int>();
        var errors = new List<EventError>();
        var records = 0;
        using var reader = new EventStreamReader(stream, new EventReaderOptions { Format = format, BatchSize = batchSize });
        while (reader.ReadBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
        {
            events.AddRange(batch.Events);
            positions.AddRange(batch.Positions);
            errors.AddRange(batch.Errors);
            records += batch.RecordCount;
        }

        return new EventReadResult(events, positions, errors, records);
    }

    private static EventError SingleError(string line) => SingleError(Encoding.UTF8.GetBytes(line));

    private static EventError SingleError(byte[] line)
    {
        var read = Read(line);
        read.Events.Should().BeEmpty();
        return read.Errors.Should().ContainSingle().Subject;
    }

    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p switch { string s => Encoding.UTF8.GetBytes(s), byte[] b => b, _ => throw new ArgumentException("part") })];

    /// <summary>A read-only, forward-only stream over bytes; subclasses decide how much each read hands out.</summary>
    private abstract class ForwardStream(byte[] data) : Stream
    {
        private int _position;

        public int Reads { get; private set; }

        public int LargestRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        // Counts a read of up to 'asked' bytes.
        protected void Counted(int asked) => (Reads, LargestRead) = (Reads + 1, Math.Max(LargestRead, asked));

        // Copies at most 'max' of the remaining bytes into 'destination'.
        protected int Copy(Span<byte> destination, int max)
        {
            var n = Math.Min(Math.Min(destination.Length, max), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(destination);
            _position += n;
            return n;
        }
    }

    /// <summary>
    /// A stream that fills every read, and whose reads can be held until released; a held read gives up when cancelled
    /// only if <c>honorsCancellation</c> (a network body does; a file's read, a system call, does not).
    /// </summary>
    private sealed class GatedStream(byte[] data, bool honorsCancellation) : ForwardStream(data)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public void Hold() => _gate.Wait();

        public void Release() => _gate.Release();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Counted(buffer.Length);
            await _gate.WaitAsync(honorsCancellation ? cancellationToken : CancellationToken.None);
            try
            {
                return Copy(buffer.Span, int.MaxValue);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>A stream that hands out at most <c>chunk</c> bytes per read, to put record boundaries anywhere.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : ForwardStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            Counted(count);
            return Copy(buffer.AsSpan(offset, count), chunk);
        }
    }
}
