namespace EngagementMetrics.Storage;

/// <summary>The optional columns of an <see cref="ActivityBatch"/> a scan's caller reads (timestamps and users always).</summary>
[Flags]
public enum ActivityColumns
{
    /// <summary>Timestamps and user ordinals only.</summary>
    TimeAndUser = 0,

    /// <summary>Channel ordinals.</summary>
    Channels = 1,

    /// <summary>Conversation ordinals.</summary>
    Conversations = 2,

    /// <summary>Every column.</summary>
    All = Channels | Conversations,
}
