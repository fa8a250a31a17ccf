using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Json;
using EngagementMetrics.Tests.Support;
using EngagementMetrics.Trends;
using Microsoft.Extensions.Options;

namespace EngagementMetrics.Tests;

public class TrendSemanticsTests
{
    [Fact]
    public async Task Trend_SpecExample_FirstActivityInPeriodIsNewThenReturning()
    {
        var trend = await TrendAsync(
            [
                Event("x", "2025-01-25T10:00:00Z"), Event("x", "2025-01-26T10:00:00Z"),
                Event("y", "2025-01-21T10:00:00Z"), Event("y", "2025-01-26T11:00:00Z"),
            ],
            Query("2025-01-23", "2025-01-26"));

        trend.Day("2025-01-25").Should().Be(new TrendBucket(new DateTime(2025, 1, 25), 1, 1, 0));
        trend.Day("2025-01-26").Should().Be(new TrendBucket(new DateTime(2025, 1, 26), 2, 0, 2));
        trend.Summary.Should().Be(new TrendSummary(2, 1, 1, 0.5m, 0.25m, 0.25m));
    }

    [Fact]
    public async Task Trend_PeriodTotalIsADistinctCount_NotTheSumOfBuckets()
    {
        var trend = await TrendAsync(
            [Event("a", "2025-01-01T10:00:00Z"), Event("a", "2025-01-02T10:00:00Z"), Event("a", "2025-01-03T10:00:00Z")],
            Query("2025-01-01", "2025-01-03"));

        trend.Buckets.Sum(b => b.UniqueUsers).Should().Be(3);
        trend.Summary.UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_OnlyUserActivityKindsCount()
    {
        var nonActivity = new[] { InteractionKind.HandoverRequested, InteractionKind.AgentJoined, InteractionKind.GoalReached, InteractionKind.ApiRequest, InteractionKind.TagHit };
        var events = nonActivity.Select((k, i) => Event($"n{i}", "2025-01-01T10:00:00Z", k))
            .Append(Event("m1", "2025-01-01T10:00:00Z", InteractionKind.MessageOut))
            .Append(Event("m2", "2025-01-01T10:00:00Z", InteractionKind.AgentMessage))
            .Append(Event("m3", "2025-01-01T10:00:00Z", InteractionKind.ActionIn));
        var trend = await TrendAsync(events, Query("2025-01-01", "2025-01-01"));
        trend.Summary.UniqueUsers.Should().Be(3);
    }

    [Fact]
    public async Task Trend_FirstSeenIgnoresChannelFilter_UserFirstOnSlackIsReturningOnRtm()
    {
        var trend = await TrendAsync(
            [Event("a", "2025-01-01T10:00:00Z", channel: "slack"), Event("a", "2025-01-05T10:00:00Z", channel: "RTM")],
            Query("2025-01-05", "2025-01-05") with { Channels = ["rtm"] });

        trend.Summary.Should().Be(new TrendSummary(1, 0, 1, 1m, 0m, 1m));
    }

    [Fact]
    public async Task Trend_FirstSeenIgnoresThePeriod_UserFirstSeenBeforePeriodIsReturning()
    {
        var trend = await TrendAsync(
            [Event("a", "2024-06-01T10:00:00Z"), Event("a", "2025-01-05T10:00:00Z")],
            Query("2025-01-01", "2025-01-31"));
        trend.Summary.ReturningUsers.Should().Be(1);
        trend.Summary.NewUsers.Should().Be(0);
    }

    [Fact]
    public async Task Trend_UsersAreScopedPerBot()
    {
        var trend = await TrendAsync(
            [Event("a", "2025-01-01T10:00:00Z", bot: "other"), Event("a", "2025-01-05T10:00:00Z")],
            Query("2025-01-05", "2025-01-05"));
        trend.Summary.NewUsers.Should().Be(1, "the same userId on another bot is another user");
    }

    [Fact]
    public async Task Trend_ChannelFilter_IsCaseInsensitiveAndUnknownChannelsMatchNothing()
    {
        var events = new[] { Event("a", "2025-01-01T10:00:00Z", channel: "Slack"), Event("b", "2025-01-01T10:00:00Z", channel: "rtm"), Event("c", "2025-01-01T10:00:00Z") };
        (await TrendAsync(events, Query("2025-01-01", "2025-01-01") with { Channels = ["SLACK"] })).Summary.UniqueUsers.Should().Be(1);
        (await TrendAsync(events, Query("2025-01-01", "2025-01-01") with { Channels = ["slack", "default"] })).Summary.UniqueUsers.Should().Be(2);
        (await TrendAsync(events, Query("2025-01-01", "2025-01-01") with { Channels = ["whatsapp"] })).Summary.UniqueUsers.Should().Be(0);
    }

    [Theory]
    [InlineData(ConversationTypeFilter.All, ConversationStatusFilter.All, 4)]
    [InlineData(ConversationTypeFilter.Interactive, ConversationStatusFilter.All, 2)]
    [InlineData(ConversationTypeFilter.NonInteractive, ConversationStatusFilter.All, 1)]
    [InlineData(ConversationTypeFilter.All, ConversationStatusFilter.Closed, 1)]
    [InlineData(ConversationTypeFilter.All, ConversationStatusFilter.Active, 2)]
    [InlineData(ConversationTypeFilter.Interactive, ConversationStatusFilter.Active, 1)]
    [InlineData(ConversationTypeFilter.NonInteractive, ConversationStatusFilter.Closed, 0)]
    public async Task Trend_ConversationFilters_UseWholeHistoryAndExcludeEventsWithoutConversation(ConversationTypeFilter type, ConversationStatusFilter status, int expected)
    {
        var events = new[]
        {
            // c1: interactive, closed later (outside the period).
            Event("a", "2025-01-01T10:00:00Z", InteractionKind.MessageOut, conversation: "c1"),
            Event("a", "2025-01-03T10:00:00Z", InteractionKind.MessageIn, conversation: "c1"),
            Closed("c1", "2025-02-01T00:00:00Z"),
            // c2: interactive, active.
            Event("b", "2025-01-01T10:00:00Z", InteractionKind.ActionIn, conversation: "c2"),
            // c3: bot-initiated, never answered.
            Event("c", "2025-01-01T11:00:00Z", InteractionKind.MessageOut, conversation: "c3"),
            // No conversation at all.
            Event("d", "2025-01-01T12:00:00Z", InteractionKind.MessageIn),
        };

        var trend = await TrendAsync(events, Query("2025-01-01", "2025-01-01") with { ConversationType = type, ConversationStatus = status });
        trend.Summary.UniqueUsers.Should().Be(expected);
    }

    [Theory]
    [InlineData(2, 5, "0.4")]
    [InlineData(1, 3, "0.33")]
    [InlineData(2, 3, "0.67")]
    [InlineData(107, 40, "2.68")]
    [InlineData(0, 7, "0")]
    [InlineData(10, 5, "2")]
    [InlineData(5, 2, "2.5")]
    [InlineData(1, 8, "0.13")]
    public void PerDayAverage_RoundsTheExactQuotientMidpointAwayFromZero(int count, int days, string expected)
    {
        PerDayAverage.Compute(count, days).ToString(System.Globalization.CultureInfo.InvariantCulture).Should().Be(expected);
    }

    [Fact]
    public async Task Trend_EventsOutsideThePeriodInLocalTimeAreIgnored()
    {
        // 2025-01-01T20:00Z is already Jan 2 in Kolkata.
        var trend = await TrendAsync([Event("a", "2025-01-01T20:00:00Z")], Query("2025-01-01", "2025-01-01", "Asia/Kolkata"));
        trend.Summary.UniqueUsers.Should().Be(0);
    }

    [Fact]
    public async Task Trend_ReversedPeriod_IsAValidationErrorNamingEndDate()
    {
        var query = Query("2025-01-05", "2025-01-01");
        var act = () => TrendAsync([Event("a", "2025-01-01T20:00:00Z")], query);

        // The engine names the query's property; the Kore.ai protocol layer names its parameter.
        var error = (await act.Should().ThrowAsync<EngagementValidationException>()).Which;
        error.ParameterName.Should().Be(nameof(TrendQuery.EndDate));
        error.Message.Should().Be("EndDate 2025-01-01 is before StartDate 2025-01-05");
        var wire = TrendQueryBinder.InWireTerms(error, query, TrendParameterNames.Kore);
        wire.ParameterName.Should().Be("end_date");
        wire.Message.Should().Be("end_date 2025-01-01 is before start_date 2025-01-05");
    }

    [Theory]
    [InlineData("0001-12-31", "0002-01-01", nameof(TrendQuery.StartDate), "start_date", "0001-12-31")]
    [InlineData("9998-12-31", "9999-01-01", nameof(TrendQuery.EndDate), "end_date", "9999-01-01")]
    public async Task Trend_DatesOutsideYears2To9998_NameTheDateAtFault(string start, string end, string property, string parameter, string value)
    {
        var query = Query(start, end);
        var act = () => TrendAsync([Event("a", "2025-01-01T20:00:00Z")], query);

        var error = (await act.Should().ThrowAsync<EngagementValidationException>()).Which;
        error.Should().Match<EngagementValidationException>(e => e.ParameterName == property && e.Value == value);
        TrendQueryBinder.InWireTerms(error, query, TrendParameterNames.Kore).Should()
            .Match<EngagementValidationException>(e => e.ParameterName == parameter && e.Value == value && e.Message == "dates must lie between years 2 and 9998");
    }

    [Fact]
    public async Task Trend_PeriodLongerThanTheOption_IsAValidationError()
    {
        var store = new InMemoryInteractionStore();
        await store.AppendAsync([Event("a", "2025-01-01T20:00:00Z")]);
        var engine = new EngagementEngine(store, Options.Create(new EngagementMetricsOptions { MaxPeriodDays = 30 }));
        await engine.Invoking(e => e.GetTrendAsync(Query("2025-01-01", "2025-01-30")).AsTask()).Should().NotThrowAsync();
        (await engine.Invoking(e => e.GetTrendAsync(Query("2025-01-01", "2025-01-31")).AsTask()).Should().ThrowAsync<EngagementValidationException>())
            .WithMessage("*31 days; at most 30*");
    }

    [Fact]
    public async Task Trend_DefaultLongestPeriodIs366Days()
    {
        var act = () => TrendAsync([Event("a", "2025-01-01T20:00:00Z")], Query("2024-01-01", "2025-01-01"));
        await act.Should().ThrowAsync<EngagementValidationException>();
        var ok = await TrendAsync([Event("a", "2025-01-01T20:00:00Z")], Query("2024-01-02", "2025-01-01"));
        ok.Days.Should().Be(366);
    }

    [Fact]
    public async Task Trend_UnknownBot_RaisesBotNotFound()
    {
        var act = () => TrendAsync([Event("a", "2025-01-01T20:00:00Z")], Query("2025-01-01", "2025-01-01", bot: "nope"));
        (await act.Should().ThrowAsync<BotNotFoundException>()).Which.BotId.Should().Be("nope");
    }
}
