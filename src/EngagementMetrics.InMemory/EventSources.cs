using EngagementMetrics.Events;

namespace EngagementMetrics.InMemory;

/// <summary>What the store keeps of one event (all but its id), read once per event from either shape of a batch.</summary>
internal struct EventFields
{
    public long Ticks;
    public InteractionKind Kind;

    /// <summary>The optional flags as <see cref="EventDetails"/> packs them.</summary>
    public byte Flags;
    public string? UserId;
    public string? ConversationId;
    public string? Channel;
    public string? Goal;
    public string? Tag;
}

/// <summary>
/// A bot's events as the store's append reads them: event objects, or the reader's columns. A struct type argument, so
/// the append's loops are compiled once per shape with the accessors inlined.
/// </summary>
internal interface IEventSource
{
    int Count { get; }

    void Load(int index, out EventFields fields);

    /// <summary>The conversation of event <paramref name="index"/> (what <see cref="Load"/> gives too).</summary>
    string? ConversationId(int index);

    /// <summary>The fingerprint of event <paramref name="index"/>'s id; false when it has none.</summary>
    bool TryFingerprint(in EventIdFingerprints fingerprints, int index, out UInt128 fingerprint);
}

internal readonly struct ObjectEvents(IReadOnlyList<InteractionEvent> events) : IEventSource
{
    public int Count => events.Count;

    public string? ConversationId(int index) => events[index].ConversationId;

    public void Load(int index, out EventFields fields)
    {
        var evt = events[index];
        fields.Ticks = evt.Timestamp.UtcTicks;
        fields.Kind = evt.Kind;
        fields.Flags = EventDetails.Flags(evt.IntentMatched, evt.Fallback, evt.Error);
        fields.UserId = evt.UserId;
        fields.ConversationId = evt.ConversationId;
        fields.Channel = evt.Channel;
        fields.Goal = evt.Goal;
        fields.Tag = evt.Tag;
    }

    public bool TryFingerprint(in EventIdFingerprints fingerprints, int index, out UInt128 fingerprint)
    {
        if (events[index].EventId is { } id)
        {
            fingerprint = fingerprints.Of(id);
            return true;
        }

        fingerprint = default;
        return false;
    }
}

internal readonly struct ColumnEvents(EventColumns events) : IEventSource
{
    public int Count => events.Count;

    public string? ConversationId(int index) => events.GetConversationId(index);

    public void Load(int index, out EventFields fields)
    {
        fields.Ticks = events.GetUtcTicks(index);
        fields.Kind = events.GetKind(index);
        fields.Flags = EventDetails.Flags(events.GetIntentMatched(index), events.GetFallback(index), events.GetError(index));
        fields.UserId = events.GetUserId(index);
        fields.ConversationId = events.GetConversationId(index);
        fields.Channel = events.GetChannel(index);
        fields.Goal = events.GetGoal(index);
        fields.Tag = events.GetTag(index);
    }

    public bool TryFingerprint(in EventIdFingerprints fingerprints, int index, out UInt128 fingerprint)
    {
        if (events.TryGetEventIdUtf8(index, out var id))
        {
            fingerprint = fingerprints.Of(id);
            return true;
        }

        fingerprint = default;
        return false;
    }
}
