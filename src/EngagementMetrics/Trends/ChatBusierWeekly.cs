namespace EngagementMetrics.Trends;

/// <summary>The weekly data: the local dates <c>date(start) - 7</c> through <c>date(start)</c> that have users, newest first.</summary>
/// <param name="Start">The instant whose local date ends the window.</param>
/// <param name="TimeZone">The zone of the local dates.</param>
/// <param name="Days">Dates with at least one active user, newest first (dates with none are left out).</param>
public sealed record ChatBusierWeekly(DateTimeOffset Start, TimeZoneInfo TimeZone, IReadOnlyList<ChatBusierDay> Days);
