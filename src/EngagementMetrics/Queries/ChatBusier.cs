namespace EngagementMetrics.Queries;

/// <summary>One two-hour bucket of the Rocket.Chat "when is the chat busier" hourly data.</summary>
/// <param name="Hour">The bucket's first local hour: 0, 2, ..., 22 (the bucket holds hours <c>Hour</c> and <c>Hour + 1</c>).</param>
/// <param name="Users">Distinct users active in the bucket within the window.</param>
public readonly record struct ChatBusierHour(int Hour, int Users);

/// <summary>One local date of the Rocket.Chat "when is the chat busier" weekly data.</summary>
/// <param name="Date">The local date.</param>
/// <param name="Users">Distinct users active that date.</param>
public readonly record struct ChatBusierDay(DateOnly Date, int Users);

/// <summary>The hourly data: all twelve two-hour buckets, hour descending (22 first).</summary>
/// <param name="Start">The window's exclusive end; the window is the 24 hours before it.</param>
/// <param name="TimeZone">The zone whose local hours label the buckets.</param>
/// <param name="Hours">Twelve buckets, hour 22 first, hour 0 last.</param>
public sealed record ChatBusierHourly(DateTimeOffset Start, TimeZoneInfo TimeZone, IReadOnlyList<ChatBusierHour> Hours);

/// <summary>The weekly data: the local dates <c>date(start) - 7</c> through <c>date(start)</c> that have users, newest first.</summary>
/// <param name="Start">The instant whose local date ends the window.</param>
/// <param name="TimeZone">The zone of the local dates.</param>
/// <param name="Days">Dates with at least one active user, newest first (dates with none are left out).</param>
public sealed record ChatBusierWeekly(DateTimeOffset Start, TimeZoneInfo TimeZone, IReadOnlyList<ChatBusierDay> Days);
