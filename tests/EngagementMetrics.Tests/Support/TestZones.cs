namespace EngagementMetrics.Tests.Support;

/// <summary>Zones the tz database does not have, for the paths only they take.</summary>
internal static class TestZones
{
    /// <summary>
    /// A zone whose clock steps back across midnight: UTC+1 from March 1 02:00 until November 1 00:30 daylight time,
    /// when it goes back to 23:30 of October 31 (UTC+0). Day and hour buckets then go back in time, and the engine
    /// counts on its exact path.
    /// </summary>
    public static TimeZoneInfo BackAcrossMidnight { get; } = TimeZoneInfo.CreateCustomTimeZone(
        "Test/BackAcrossMidnight",
        TimeSpan.Zero,
        "Back across midnight",
        "Back across midnight",
        "Back across midnight (daylight)",
        [
            TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
                new DateTime(2020, 1, 1),
                new DateTime(2030, 12, 31),
                TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 1),
                TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 30, 0), 11, 1)),
        ]);
}
