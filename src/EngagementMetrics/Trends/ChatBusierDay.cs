namespace EngagementMetrics.Trends;

/// <summary>One local date of the Rocket.Chat "when is the chat busier" weekly data.</summary>
/// <param name="Date">The local date.</param>
/// <param name="Users">Distinct users active that date.</param>
public readonly record struct ChatBusierDay(DateOnly Date, int Users);
