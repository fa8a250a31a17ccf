namespace EngagementMetrics.Statistics;

/// <summary>The documented name of each statistic type (<c>New User</c>, <c>Time To Pick Up</c>), as the specification defines them.</summary>
public static class StatisticTypeNames
{
    private static readonly string[] Names =
    [
        "New User", "Returning User", "Active User", "Messages", "Action Messages", "Fallback Reply", "NLP Detected",
        "NLP Missed", "Conversation Length", "Time To Pick Up", "Takeover Rate", "Support Conversation Length",
        "Goal Reached", "Incoming Message", "API Request", "API Request Error", "Time To First Message",
        "Operator Message", "Tag Hit",
    ];

    /// <summary>The documented name of a type, e.g. "New User".</summary>
    public static string NameOf(StatisticType type) =>
        (int)type >= 0 && (int)type < Names.Length ? Names[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, "unknown statistic type");
}
