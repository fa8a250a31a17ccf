namespace EngagementMetrics.Engine;

/// <summary>
/// A per-event filter, passed as a struct type argument so the JIT compiles one specialised loop per filter shape
/// and the no-filter loop pays nothing.
/// </summary>
internal interface IActivityFilter
{
    bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index);
}

internal readonly struct PassAllFilter : IActivityFilter
{
    public bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index) => true;
}

internal readonly struct ChannelFilter(bool[] allowed) : IActivityFilter
{
    public bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index) => allowed[channels[index]];
}

internal readonly struct ConversationFilter(bool[] allowed, bool allowNone) : IActivityFilter
{
    public bool Pass(ReadOnlySpan<int> channels, ReadOnlySpan<int> conversations, int index)
    {
        var conversation = conversations[index];
        return conversation < 0 ? allowNone : allowed[conversation];
    }
}

internal readonly struct ChannelAndConversationFilter(bool[] channelAllowed, bool[] conversationAllowed, bool allowNone) : IActivityFilter
{
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
