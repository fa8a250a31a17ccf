using EngagementMetrics.Events;
using EngagementMetrics.Json;
using EngagementMetrics.Time;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

public class ParsingTests
{
    [Theory]
    [InlineData("Asia/Kolkata", 330)]
    [InlineData("India Standard Time", 330)]
    [InlineData("UTC", 0)]
    [InlineData("z", 0)]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("+05:30", 330)]
    [InlineData("-08:00", -480)]
    [InlineData("UTC+05:45", 345)]
    [InlineData("utc-03:30", -210)]
    [InlineData("+12:45", 765)]
    public void TimeZone_AcceptsNamesAndExplicitOffsets(string? value, int expectedJanuaryOffsetMinutes)
    {
        var zone = TimeZoneParser.Parse(value);
        zone.GetUtcOffset(new DateTime(2025, 1, 15, 0, 0, 0, DateTimeKind.Utc)).TotalMinutes.Should().Be(expectedJanuaryOffsetMinutes);
    }

    [Theory]
    [InlineData("330")]
    [InlineData("-330")]
    [InlineData("+0530")]
    public void TimeZone_RejectsBareNumbers(string value)
    {
        var act = () => TimeZoneParser.Parse(value, "timeZoneOffset");
        act.Should().Throw<EngagementValidationException>()
            .Where(e => e.ParameterName == "timeZoneOffset" && e.Value == value)
            .WithMessage($"*'{value}'*ambiguous*");
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("+15:00")]
    [InlineData("+05:60")]
    [InlineData("UTC+5")]
    public void TimeZone_RejectsUnknownZonesNamingTheValue(string value)
    {
        var act = () => TimeZoneParser.Parse(value, "--time-zone");
        act.Should().Throw<EngagementValidationException>().WithMessage($"invalid --time-zone '{value}'*");
    }

    [Theory]
    [InlineData("2025-12-03T11:40:00Z", "2025-12-03T11:40:00.0000000+00:00")]
    [InlineData("2025-12-03t11:40:00z", "2025-12-03T11:40:00.0000000+00:00")]
    [InlineData("2025-12-03T17:10:00.5+05:30", "2025-12-03T17:10:00.5000000+05:30")]
    [InlineData("2025-12-03T11:40:00.123456789Z", "2025-12-03T11:40:00.1234567+00:00")]
    [InlineData("2023-05-19T00:00:00.000Z", "2023-05-19T00:00:00.0000000+00:00")]
    public void Rfc3339_ParsesInstants(string text, string expected)
    {
        Rfc3339.TryParse(text, out var value).Should().BeTrue();
        value.ToString("o", System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected);
    }

    [Theory]
    [InlineData("2025-12-03T11:40:00")]
    [InlineData("2025-12-03")]
    [InlineData("2025-13-03T11:40:00Z")]
    [InlineData("2025-02-29T11:40:00Z")]
    [InlineData("2025-12-03T24:00:00Z")]
    [InlineData("2025-12-03T11:40:00+0530")]
    [InlineData("2025-12-03T11:40:00.Z")]
    [InlineData("1735689600")]
    public void Rfc3339_RefusesAnythingThatIsNotAnInstant(string text) => Rfc3339.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void JsonLines_ReportsLineNumberAndFieldOfEveryBadLine()
    {
        var text = string.Join('\n',
            """{"botId":"b","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in","extra":{"ignored":[1,2]}}""",
            "",
            """{"botId":"b","userId":"u","timestamp":"2025-01-01T00:00:00","kind":"message_in"}""",
            """{"botId":"b","timestamp":"2025-01-01T00:00:00Z","kind":"message_out"}""",
            """{"botId":"b","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"shout"}""",
            """{"userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}""",
            """{"botId":"b","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in","fallback":"yes"}""",
            """not json""",
            """{"botId":"b","conversationId":"c","timestamp":"2025-01-01T00:00:00Z","kind":"conversation_closed"}""");

        var result = EventJsonReader.ReadJsonLines(text);

        result.Events.Should().HaveCount(2);
        result.Positions.Should().Equal(1, 9);
        result.RecordCount.Should().Be(8);
        result.Errors.Select(e => (e.LineNumber, e.Field)).Should().Equal(
            (3, "timestamp"), (4, "userId"), (5, "kind"), (6, "botId"), (7, "fallback"), (8, "$"));
        result.Errors[0].ToString().Should().Be("line 3: timestamp: '2025-01-01T00:00:00' is not an RFC 3339 instant with Z or an offset (e.g. 2025-12-03T11:40:00Z)");
        result.Errors[2].Message.Should().Contain("'shout'");
    }

    [Fact]
    public void JsonLines_ReadsEveryField()
    {
        var result = EventJsonReader.ReadJsonLines(
            """{"eventId":"e","accountId":"acme","botId":"b","userId":"u","conversationId":"c","timestamp":"2025-01-01T05:30:00+05:30","channel":"Slack","kind":"message_in","intentMatched":true,"fallback":false,"goal":"g","error":true,"tag":"t"}""");
        result.Errors.Should().BeEmpty();
        result.Events.Single().Should().BeEquivalentTo(new InteractionEvent
        {
            EventId = "e", AccountId = "acme", BotId = "b", UserId = "u", ConversationId = "c",
            Timestamp = new DateTimeOffset(2025, 1, 1, 5, 30, 0, TimeSpan.FromMinutes(330)), Channel = "Slack",
            Kind = InteractionKind.MessageIn, IntentMatched = true, Fallback = false, Goal = "g", Error = true, Tag = "t",
        });
        result.Events[0].NormalizedChannel.Should().Be("slack");
    }

    [Fact]
    public void JsonArray_ReportsIndexes()
    {
        var result = EventJsonReader.ReadJsonArray("""[{"botId":"b","userId":"u","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}, 5, {"botId":"b","timestamp":"2025-01-01T00:00:00Z","kind":"message_in"}]"""u8);
        result.Events.Should().HaveCount(1);
        result.Errors.Select(e => (e.Index, e.Field)).Should().Equal((1, "$"), (2, "userId"));
        EventJsonReader.ReadJsonArray("{}"u8).Errors.Single().Field.Should().Be("$");
    }

    [Theory]
    [InlineData("Non Interactive", ConversationTypeFilter.NonInteractive)]
    [InlineData("NonInteractive", ConversationTypeFilter.NonInteractive)]
    [InlineData("non_interactive", ConversationTypeFilter.NonInteractive)]
    [InlineData("INTERACTIVE", ConversationTypeFilter.Interactive)]
    [InlineData("all", ConversationTypeFilter.All)]
    [InlineData(null, ConversationTypeFilter.All)]
    public void ConversationType_IsMatchedCaseAndSeparatorInsensitively(string? value, ConversationTypeFilter expected) =>
        TrendParameters.ParseConversationType(value, "conversationType").Should().Be(expected);

    [Fact]
    public void Parameters_NameTheParameterAndValueInErrors()
    {
        var act = () => TrendParameters.ParseConversationStatus("open", "conversationStatus");
        act.Should().Throw<EngagementValidationException>().WithMessage("invalid conversationStatus 'open': expected All, Active or Closed");
        var date = () => TrendParameters.ParseDate("2025-02-30", "start_date");
        date.Should().Throw<EngagementValidationException>().Where(e => e.ParameterName == "start_date").WithMessage("*'2025-02-30'*YYYY-MM-DD*");
        var aggregation = () => TrendParameters.ParseAggregation("weekly", "aggregation_type", [TrendAggregation.Hourly, TrendAggregation.Daily]);
        aggregation.Should().Throw<EngagementValidationException>().WithMessage("invalid aggregation_type 'weekly': expected hourly or daily");
        TrendParameters.ParseAggregation("DAILY", "aggregation_type", [TrendAggregation.Hourly, TrendAggregation.Daily]).Should().Be(TrendAggregation.Daily);
        TrendParameters.ParseAggregation(null, "aggregation_type", [TrendAggregation.Hourly, TrendAggregation.Daily]).Should().Be(TrendAggregation.Hourly);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("All", null)]
    [InlineData(" rtm , Slack ", "rtm|slack")]
    public void Channels_ParseCommaSeparatedLists(string? value, string? expected) =>
        TrendParameters.ParseChannels(value, "channels")?.Aggregate((a, b) => a + "|" + b).Should().Be(expected);
}
