using System.Text;
using EngagementMetrics.Events;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

public class EventJsonWriterTests
{
    private static readonly DateTimeOffset Origin = new(2025, 6, 1, 8, 30, 0, TimeSpan.FromHours(5.5));

    [Fact]
    public void An_event_is_one_object_with_the_documented_names_in_order_and_absent_values_left_out()
    {
        var evt = new InteractionEvent
        {
            EventId = "c1|0", AccountId = "acme", BotId = "st-1", UserId = "u\"1", ConversationId = "c1", Timestamp = Origin,
            Channel = "rtm", Kind = InteractionKind.MessageIn, IntentMatched = true,
        };

        EventJsonWriter.ToJson(evt).Should().Be("""{"eventId":"c1|0","accountId":"acme","botId":"st-1","userId":"u\"1","conversationId":"c1","timestamp":"2025-06-01T08:30:00+05:30","channel":"rtm","kind":"message_in","intentMatched":true}""");
        EventJsonWriter.ToJson(new InteractionEvent { BotId = "b", Timestamp = Origin, Kind = InteractionKind.ConversationClosed })
            .Should().Be("""{"botId":"b","timestamp":"2025-06-01T08:30:00+05:30","kind":"conversation_closed"}""");
    }

    [Fact]
    public async Task What_it_writes_reads_back_as_the_same_events()
    {
        var text = Gen.Elements("a", "Ü", "日本", "emoji 😀", "quote \" and \\ backslash", "tab-free text", "x");
        var kind = Gen.Elements(Enum.GetValues<InteractionKind>());
        var evt =
            from k in kind
            from user in text
            from conversation in Gen.OneOf(text, Gen.Constant<string>(null!))
            from channel in Gen.OneOf(text, Gen.Constant<string>(null!))
            from seconds in Gen.Choose(0, 86_400 * 400)
            from ticks in Gen.Choose(0, 9_999_999)
            from offset in Gen.Elements(0, 330, -300, 45, 840)
            from flag in Gen.Elements<bool?>(null, true, false)
            from id in Gen.OneOf(text, Gen.Constant<string>(null!))
            select new InteractionEvent
            {
                EventId = id is null ? null : id + seconds,
                AccountId = offset == 45 ? "acct " + user : null,
                BotId = "bot " + user,
                UserId = user,
                ConversationId = conversation,
                Timestamp = new DateTimeOffset(Origin.UtcTicks + (seconds * TimeSpan.TicksPerSecond) + ticks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(offset)),
                Channel = channel,
                Kind = k,
                IntentMatched = k == InteractionKind.MessageIn ? flag : null,
                Fallback = k == InteractionKind.MessageOut ? flag : null,
                Error = k == InteractionKind.ApiRequest ? flag : null,
                Goal = k == InteractionKind.GoalReached ? user : null,
                Tag = k == InteractionKind.TagHit ? user : null,
            };

        var events = Gen.ListOf(evt, 300).Sample(1).Single().ToList();
        using var stream = new MemoryStream();
        (await EventJsonWriter.WriteJsonLinesAsync(stream, events)).Should().Be(300);

        var read = EventJsonReader.ReadJsonLines(Encoding.UTF8.GetString(stream.ToArray()));
        read.Errors.Should().BeEmpty();
        read.Events.Should().Equal(events);
        read.Events.Select(e => e.Timestamp.Offset).Should().Equal(events.Select(e => e.Timestamp.Offset), "the offset is written as given");
        Encoding.UTF8.GetString(stream.ToArray()).Split('\n').Should().HaveCount(301).And.EndWith(string.Empty);
    }
}
