using EngagementMetrics.Tests.Support;
using EngagementMetrics.Trends;

namespace EngagementMetrics.Tests;

/// <summary>Every DST and odd-offset case of the semantics, named.</summary>
public class TimeZoneBucketingTests
{
    [Fact]
    public async Task Trend_SpringForwardGap_MissingLocalHourIsAnEmptyBucket()
    {
        // America/New_York, 2025-03-09: 02:00 EST jumps to 03:00 EDT.
        var trend = await TrendAsync(
            [Event("a", "2025-03-09T06:30:00Z"), Event("b", "2025-03-09T06:59:59Z"), Event("c", "2025-03-09T07:00:00Z")],
            Query("2025-03-09", "2025-03-09", "America/New_York", TrendAggregation.Hourly));

        trend.Hour("2025-03-09", 1).UniqueUsers.Should().Be(2);
        trend.Hour("2025-03-09", 2).UniqueUsers.Should().Be(0);
        trend.Hour("2025-03-09", 3).UniqueUsers.Should().Be(1);
        trend.Buckets.Should().HaveCount(24);
    }

    [Fact]
    public async Task Trend_FallBackOverlap_MergesRepeatedHourIntoOneBucket()
    {
        // America/New_York, 2025-11-02: 01:00-02:00 happens at 05:00-06:00Z (EDT) and again at 06:00-07:00Z (EST).
        var trend = await TrendAsync(
            [Event("a", "2025-11-02T05:30:00Z"), Event("b", "2025-11-02T06:30:00Z"), Event("a", "2025-11-02T06:45:00Z"), Event("c", "2025-11-02T07:00:00Z")],
            Query("2025-11-02", "2025-11-02", "America/New_York", TrendAggregation.Hourly));

        var repeated = trend.Hour("2025-11-02", 1);
        repeated.UniqueUsers.Should().Be(2, "user a in both real hours is one user of the one local hour");
        repeated.NewUsers.Should().Be(2);
        trend.Hour("2025-11-02", 2).UniqueUsers.Should().Be(1);
        trend.Summary.UniqueUsers.Should().Be(3);
    }

    [Fact]
    public async Task Trend_FallBackOverlap_UserFirstSeenInFirstRealHourIsNewInTheMergedBucket()
    {
        var trend = await TrendAsync(
            [Event("a", "2025-11-02T05:10:00Z"), Event("a", "2025-11-02T06:50:00Z"), Event("a", "2025-11-02T07:10:00Z")],
            Query("2025-11-02", "2025-11-02", "America/New_York", TrendAggregation.Hourly));

        trend.Hour("2025-11-02", 1).Should().Be(trend.Hour("2025-11-02", 1) with { UniqueUsers = 1, NewUsers = 1, ReturningUsers = 0 });
        trend.Hour("2025-11-02", 2).ReturningUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_SkippedDate_PacificApia20111230_IsADayWithZeros()
    {
        // Samoa moved from UTC-10 to UTC+14: local 2011-12-30 never happened.
        var trend = await TrendAsync(
            [Event("a", "2011-12-30T09:00:00Z"), Event("b", "2011-12-30T10:00:00Z")],
            Query("2011-12-29", "2011-12-31", "Pacific/Apia", TrendAggregation.Daily));

        trend.Day("2011-12-29").UniqueUsers.Should().Be(1);
        trend.Day("2011-12-30").UniqueUsers.Should().Be(0);
        trend.Day("2011-12-31").UniqueUsers.Should().Be(1);
        trend.Summary.AvgUniqueUsersPerDay.Should().Be(0.67m, "the skipped date still counts as a calendar day");
    }

    [Fact]
    public async Task Trend_SkippedDate_PacificApia_HourlyHasTwentyFourEmptyHours()
    {
        var trend = await TrendAsync(
            [Event("a", "2011-12-30T09:59:59Z"), Event("b", "2011-12-30T10:00:00Z")],
            Query("2011-12-29", "2011-12-31", "Pacific/Apia", TrendAggregation.Hourly));

        trend.Buckets.Where(b => b.Date == new DateOnly(2011, 12, 30)).Should().HaveCount(24).And.OnlyContain(b => b.UniqueUsers == 0);
        trend.Hour("2011-12-29", 23).UniqueUsers.Should().Be(1);
        trend.Hour("2011-12-31", 0).UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_HalfHourOffset_AsiaKolkata_ShiftsBucketsByFiveAndAHalfHours()
    {
        var trend = await TrendAsync(
            [Event("a", "2025-12-03T11:29:59Z"), Event("b", "2025-12-03T11:30:00Z"), Event("c", "2025-12-03T18:29:59Z"), Event("d", "2025-12-03T18:30:00Z")],
            Query("2025-12-03", "2025-12-04", "Asia/Kolkata", TrendAggregation.Hourly));

        trend.Hour("2025-12-03", 16).UniqueUsers.Should().Be(1);
        trend.Hour("2025-12-03", 17).UniqueUsers.Should().Be(1);
        trend.Hour("2025-12-03", 23).UniqueUsers.Should().Be(1);
        trend.Hour("2025-12-04", 0).UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_QuarterHourOffset_AsiaKathmandu_PlacesMidnightAt1815Utc()
    {
        var trend = await TrendAsync(
            [Event("a", "2025-01-01T18:14:59Z"), Event("b", "2025-01-01T18:15:00Z")],
            Query("2025-01-01", "2025-01-02", "Asia/Kathmandu", TrendAggregation.Daily));

        trend.Day("2025-01-01").UniqueUsers.Should().Be(1);
        trend.Day("2025-01-02").UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_QuarterHourOffset_FixedPlus1245_ShiftsBuckets()
    {
        var trend = await TrendAsync(
            [Event("a", "2025-06-30T11:14:00Z"), Event("b", "2025-06-30T11:15:00Z")],
            Query("2025-06-30", "2025-07-01", "+12:45", TrendAggregation.Daily));

        trend.Day("2025-06-30").UniqueUsers.Should().Be(1);
        trend.Day("2025-07-01").UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_HalfHourFallBack_AustraliaLordHowe_MergesNinetyMinutesIntoHourOne()
    {
        // 2025-04-06: 02:00 (+11) falls back to 01:30 (+10:30); 01:30-02:00 happens twice.
        var trend = await TrendAsync(
            [Event("a", "2025-04-05T14:10:00Z"), Event("b", "2025-04-05T15:20:00Z"), Event("c", "2025-04-05T15:31:00Z")],
            Query("2025-04-06", "2025-04-06", "Australia/Lord_Howe", TrendAggregation.Hourly));

        trend.Hour("2025-04-06", 1).UniqueUsers.Should().Be(2);
        trend.Hour("2025-04-06", 2).UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_HalfHourSpringForward_AustraliaLordHowe_HourTwoKeepsItsLastHalf()
    {
        // 2025-10-05: 02:00 (+10:30) jumps to 02:30 (+11).
        var trend = await TrendAsync(
            [Event("a", "2025-10-04T15:29:00Z"), Event("b", "2025-10-04T15:30:00Z"), Event("c", "2025-10-04T15:59:00Z"), Event("d", "2025-10-04T16:00:00Z")],
            Query("2025-10-05", "2025-10-05", "Australia/Lord_Howe", TrendAggregation.Hourly));

        trend.Hour("2025-10-05", 1).UniqueUsers.Should().Be(1);
        trend.Hour("2025-10-05", 2).UniqueUsers.Should().Be(2);
        trend.Hour("2025-10-05", 3).UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_MidnightFallBack_AmericaSantiago_RepeatedElevenPmStaysOnThePreviousDate()
    {
        // 2025-04-06 00:00 (-03) falls back to 2025-04-05 23:00 (-04).
        var trend = await TrendAsync(
            [Event("a", "2025-04-06T02:30:00Z"), Event("b", "2025-04-06T03:30:00Z"), Event("c", "2025-04-06T04:00:00Z")],
            Query("2025-04-05", "2025-04-06", "America/Santiago", TrendAggregation.Hourly));

        trend.Hour("2025-04-05", 23).UniqueUsers.Should().Be(2);
        trend.Hour("2025-04-06", 0).UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_MidnightSpringForward_AmericaSantiago_MidnightHourIsEmpty()
    {
        // 2025-09-07 00:00 (-04) jumps to 01:00 (-03).
        var trend = await TrendAsync(
            [Event("a", "2025-09-07T03:59:00Z"), Event("b", "2025-09-07T04:00:00Z")],
            Query("2025-09-06", "2025-09-07", "America/Santiago", TrendAggregation.Hourly));

        trend.Hour("2025-09-06", 23).UniqueUsers.Should().Be(1);
        trend.Hour("2025-09-07", 0).UniqueUsers.Should().Be(0);
        trend.Hour("2025-09-07", 1).UniqueUsers.Should().Be(1);
    }

    [Fact]
    public async Task Trend_WindowsZoneName_GivesTheSameAnswerAsIana()
    {
        var events = new[] { Event("a", "2025-12-03T18:29:00Z"), Event("b", "2025-12-03T18:31:00Z") };
        var iana = await TrendAsync(events, Query("2025-12-03", "2025-12-04", "Asia/Kolkata"));
        var windows = await TrendAsync(events, Query("2025-12-03", "2025-12-04", "India Standard Time"));
        windows.Buckets.Should().Equal(iana.Buckets);
    }

    [Theory]
    [InlineData(TrendAggregation.Weekly, "2025-01-01", "2025-01-20", new[] { "2024-12-30", "2025-01-06", "2025-01-13", "2025-01-20" })]
    [InlineData(TrendAggregation.Monthly, "2025-01-15", "2025-03-02", new[] { "2025-01-01", "2025-02-01", "2025-03-01" })]
    [InlineData(TrendAggregation.Yearly, "2024-12-31", "2025-01-01", new[] { "2024-01-01", "2025-01-01" })]
    public async Task Trend_CoarseAggregations_UseIsoWeeksMonthsAndYearsClippedToThePeriod(TrendAggregation aggregation, string start, string end, string[] bucketStarts)
    {
        var trend = await TrendAsync([Event("a", start + "T12:00:00Z"), Event("b", end + "T12:00:00Z")], Query(start, end, aggregation: aggregation));
        trend.Buckets.Select(b => b.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Should().Equal(bucketStarts);
        trend.Buckets[0].UniqueUsers.Should().Be(1);
        trend.Buckets[^1].UniqueUsers.Should().Be(1);
    }
}
