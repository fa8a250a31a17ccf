namespace EngagementMetrics.Events;

/// <summary>Facts about <see cref="InteractionKind"/> values: activity, wire names.</summary>
public static class InteractionKinds
{
    private static readonly string[] WireNames =
    [
        "message_in", "action_in", "message_out", "agent_message", "handover_requested",
        "agent_joined", "goal_reached", "api_request", "tag_hit", "conversation_closed",
    ];

    /// <summary>All kinds with their snake_case wire names, in enum order.</summary>
    public static IReadOnlyList<string> Names => WireNames;

    /// <summary>
    /// True for the kinds that make a user <em>active</em>: <c>message_in</c>, <c>action_in</c>,
    /// <c>message_out</c> and <c>agent_message</c>. Only these count in engagement numbers.
    /// </summary>
    public static bool IsUserActivity(this InteractionKind kind) => (uint)kind <= (uint)InteractionKind.AgentMessage;

    /// <summary>True for the kinds in which the user spoke (<c>message_in</c>, <c>action_in</c>): they make a conversation interactive.</summary>
    public static bool IsUserInput(this InteractionKind kind) => kind is InteractionKind.MessageIn or InteractionKind.ActionIn;

    /// <summary>The snake_case wire name (<c>message_in</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined kind.</exception>
    public static string ToWireName(this InteractionKind kind) =>
        (uint)kind < (uint)WireNames.Length
            ? WireNames[(int)kind]
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a defined interaction kind.");

    /// <summary>Parses a snake_case wire name, exactly as written (case-sensitive, as the event format specifies).</summary>
    /// <returns>False when the name is not one of the ten kinds.</returns>
    public static bool TryParse(ReadOnlySpan<char> name, out InteractionKind kind)
    {
        for (var i = 0; i < WireNames.Length; i++)
        {
            if (name.SequenceEqual(WireNames[i]))
            {
                kind = (InteractionKind)i;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>True when the value is one of the ten defined kinds.</summary>
    public static bool IsDefined(this InteractionKind kind) => (uint)kind < (uint)WireNames.Length;
}
