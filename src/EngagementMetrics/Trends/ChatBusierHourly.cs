namespace EngagementMetrics.Trends;

/// <summary>The hourly data: all twelve two-hour buckets, hour descending (22 first).</summary>
/// <param name="Start">The window's exclusive end; the window is the 24 hours before it.</param>
/// <param name="TimeZone">The zone whose local hours label the buckets.</param>
/// <param name="Hours">Twelve buckets, hour 22 first, hour 0 last.</param>
public sealed record ChatBusierHourly(DateTimeOffset Start, TimeZoneInfo TimeZone, IReadOnlyList<ChatBusierHour> Hours);
