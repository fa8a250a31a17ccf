namespace EngagementMetrics.Trends;

/// <summary>
/// A per-event filter, passed as a struct type argument so the JIT compiles one specialised loop per filter shape
/// and the no-filter loop pays nothing.
/// </summary>
/// <remarks>
/// <see cref="UsesChannels"/> and <see cref="UsesConversations"/> are constants of each filter: the engine reads a
/// batch's channel or conversation column only when its filter uses it, so a store may widen a narrow column lazily
/// (the in-memory store keeps channels as bytes) and an unfiltered scan never pays for it.
/// </remarks>
internal interface IActivityFilter
{
    bool UsesChannels { get; }

    bool UsesConversations { get; }

    bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index);
}

internal readonly struct PassAllFilter : IActivityFilter
{
    public bool UsesChannels => false;

    public bool UsesConversations => false;

    public bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index) => true;
}

internal readonly struct ChannelFilter(bool[] allowed) : IActivityFilter
{
    public bool UsesChannels => true;

    public bool UsesConversations => false;

    public bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index) => allowed[channels[index]];
}

internal readonly struct ConversationFilter(bool[] allowed, bool allowNone) : IActivityFilter
{
    public bool UsesChannels => false;

    public bool UsesConversations => true;

    public bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index)
    {
        var conversation = conversations[index];
        return conversation < 0 ? allowNone : allowed[conversation];
    }
}

internal readonly struct ChannelAndConversationFilter(bool[] channelAllowed, bool[] conversationAllowed, bool allowNone) : IActivityFilter
{
    public bool UsesChannels => true;

    public bool UsesConversations => true;

    public bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index)
    {
        if (!channelAllowed[channels[index]])
        {
            return false;
        }

        var conversation = conversations[index];
        return conversation < 0 ? allowNone : conversationAllowed[conversation];
    }
}
