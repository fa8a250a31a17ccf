namespace EngagementMetrics.Storage;

/// <summary>
/// A run of user-activity events in columns: all four columns have <see cref="Count"/> elements and index <c>i</c>
/// of each describes the same event.
/// </summary>
public readonly struct ActivityBatch
{
    /// <summary>Creates a batch over existing columns.</summary>
    /// <exception cref="ArgumentException">The columns differ in length.</exception>
    public ActivityBatch(ReadOnlyMemory<long> utcTicks, ReadOnlyMemory<int> users, ReadOnlyMemory<int> channels, ReadOnlyMemory<int> conversations)
    {
        if (users.Length != utcTicks.Length || channels.Length != utcTicks.Length || conversations.Length != utcTicks.Length)
        {
            throw new ArgumentException("All columns of an activity batch must have the same length.");
        }

        UtcTicks = utcTicks;
        Users = users;
        Channels = channels;
        Conversations = conversations;
    }

    /// <summary>Event timestamps as UTC <see cref="DateTime.Ticks"/>, non-decreasing.</summary>
    public ReadOnlyMemory<long> UtcTicks { get; }

    /// <summary>User ordinals.</summary>
    public ReadOnlyMemory<int> Users { get; }

    /// <summary>Channel ordinals (index into <see cref="IActivitySnapshot.Channels"/>).</summary>
    public ReadOnlyMemory<int> Channels { get; }

    /// <summary>Conversation ordinals, or -1 for an event without a conversation.</summary>
    public ReadOnlyMemory<int> Conversations { get; }

    /// <summary>Number of events.</summary>
    public int Count => UtcTicks.Length;
}
