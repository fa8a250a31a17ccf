namespace EngagementMetrics.Trends;

/// <summary>One two-hour bucket of the Rocket.Chat "when is the chat busier" hourly data.</summary>
/// <param name="Hour">The bucket's first local hour: 0, 2, ..., 22 (the bucket holds hours <c>Hour</c> and <c>Hour + 1</c>).</param>
/// <param name="Users">Distinct users active in the bucket within the window.</param>
public readonly record struct ChatBusierHour(int Hour, int Users);
