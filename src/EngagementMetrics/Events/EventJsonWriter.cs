using System.Text.Encodings.Web;
using System.Text.Json;

namespace EngagementMetrics.Events;

/// <summary>
/// Writes events in the event format <see cref="EventStreamReader"/> reads: one JSON object per line (JSON Lines),
/// camelCase properties in the documented order, absent values left out, the timestamp as an RFC 3339 instant with its
/// offset. What it writes reads back as the same events.
/// </summary>
/// <remarks>Used by <c>engagement demo --export</c>; a host can export its own events the same way. Thread-safe.</remarks>
public static class EventJsonWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes each event as one line of UTF-8 JSON followed by <c>\n</c>.</summary>
    /// <returns>How many events were written.</returns>
    public static async Task<int> WriteJsonLinesAsync(Stream utf8Stream, IEnumerable<InteractionEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Stream);
        ArgumentNullException.ThrowIfNull(events);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        var count = 0;
        using var writer = new Utf8JsonWriter(buffer, Options);
        foreach (var evt in events)
        {
            Write(writer, evt);
            writer.Flush();
            writer.Reset();
            buffer.GetSpan(1)[0] = (byte)'\n';
            buffer.Advance(1);
            count++;
            if (buffer.WrittenCount >= 60 * 1024)
            {
                await utf8Stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.ResetWrittenCount();
            }
        }

        await utf8Stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await utf8Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>One event as a JSON object (no line break).</summary>
    public static string ToJson(InteractionEvent evt)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            Write(writer, evt);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, InteractionEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        writer.WriteStartObject();
        WriteString(writer, "eventId", evt.EventId);
        WriteString(writer, "accountId", evt.AccountId);
        writer.WriteString("botId", evt.BotId);
        WriteString(writer, "userId", evt.UserId);
        WriteString(writer, "conversationId", evt.ConversationId);
        writer.WriteString("timestamp", evt.Timestamp);
        WriteString(writer, "channel", evt.Channel);
        writer.WriteString("kind", evt.Kind.ToWireName());
        WriteBoolean(writer, "intentMatched", evt.IntentMatched);
        WriteBoolean(writer, "fallback", evt.Fallback);
        WriteString(writer, "goal", evt.Goal);
        WriteBoolean(writer, "error", evt.Error);
        WriteString(writer, "tag", evt.Tag);
        writer.WriteEndObject();
    }

    private static void WriteString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteBoolean(Utf8JsonWriter writer, string name, bool? value)
    {
        if (value is { } flag)
        {
            writer.WriteBoolean(name, flag);
        }
    }
}
