using System.Text.Json;
using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>Writes and reads <see cref="KoreHourlyPoint"/> with its 24 hour keys (<c>"0 - 1"</c> ... <c>"23 - 0"</c>) in order.</summary>
internal sealed class KoreHourlyPointConverter : JsonConverter<KoreHourlyPoint>
{
    public static IReadOnlyList<string> HourKeys => KoreTrendJson.HourlyKeys;

    private static readonly JsonEncodedText DateKey = JsonEncodedText.Encode("date");
    private static readonly JsonEncodedText[] EncodedHourKeys = HourKeys.Select(k => JsonEncodedText.Encode(k)).ToArray();

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, KoreHourlyPoint value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (value.Hours.Length != 24)
        {
            throw new JsonException($"An hourly data point needs 24 hours; {value.Date} has {value.Hours.Length}.");
        }

        writer.WriteStartObject();
        writer.WriteString(DateKey, value.Date);
        for (var h = 0; h < 24; h++)
        {
            writer.WriteNumber(EncodedHourKeys[h], value.Hours[h]);
        }

        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public override KoreHourlyPoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("An hourly data point must be an object.");
        }

        string? date = null;
        var hours = new int[24];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "date")
            {
                date = reader.GetString();
                continue;
            }

            var hour = -1;
            for (var h = 0; h < 24; h++)
            {
                if (HourKeys[h] == name)
                {
                    hour = h;
                    break;
                }
            }

            if (hour < 0)
            {
                reader.Skip();
                continue;
            }

            hours[hour] = reader.GetInt32();
        }

        return new KoreHourlyPoint { Date = date ?? throw new JsonException("An hourly data point needs a date."), Hours = hours };
    }
}
