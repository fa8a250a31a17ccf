using System.Text.Json;

namespace EngagementMetrics.AspNetCore.Tests;

/// <summary>
/// The constraints of Rocket.Chat's own ajv response schemas for the chat-busier routes
/// (apps/meteor/ee/server/api/engagementDashboard/users.ts): the properties each object may have and their types,
/// the required ones, no other property. The server's 400, 401 and 403 schemas share one shape here (success false;
/// optional error, errorType, status, message, stack, details). Its hourly 200 schema lists "month" as required,
/// which no hourly answer has (a slip in the schema); "hours" is held required instead.
/// </summary>
internal static class RocketChatSchemas
{
    public static readonly ObjectSchema Hourly = new(
        new Dictionary<string, ValueSchema>
        {
            ["hours"] = new(JsonValueKind.Array, Items: new ObjectSchema(new Dictionary<string, ValueSchema> { ["users"] = Number, ["hour"] = Number }, ["users", "hour"])),
            ["success"] = new(JsonValueKind.True),
        },
        ["hours", "success"]);

    public static readonly ObjectSchema Weekly = new(
        new Dictionary<string, ValueSchema>
        {
            ["month"] = new(JsonValueKind.Array, Items: new ObjectSchema(new Dictionary<string, ValueSchema> { ["users"] = Number, ["day"] = Number, ["month"] = Number, ["year"] = Number }, ["users", "day", "month", "year"])),
            ["success"] = new(JsonValueKind.True),
        },
        ["month", "success"]);

    public static readonly ObjectSchema Error = new(
        new Dictionary<string, ValueSchema>
        {
            ["success"] = new(JsonValueKind.False),
            ["error"] = Text,
            ["errorType"] = Text,
            ["status"] = Text,
            ["message"] = Text,
            ["stack"] = Text,
            ["details"] = Text,
        },
        ["success"]);

    private static ValueSchema Number => new(JsonValueKind.Number);

    private static ValueSchema Text => new(JsonValueKind.String);

    /// <summary>What in <paramref name="value"/> the schema refuses; empty when it validates.</summary>
    public static List<string> Problems(JsonElement value, ObjectSchema schema, string path = "$")
    {
        var problems = new List<string>();
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path} is {value.ValueKind}, not an object");
            return problems;
        }

        foreach (var required in schema.Required.Where(r => !value.TryGetProperty(r, out _)))
        {
            problems.Add($"{path}.{required} is required");
        }

        foreach (var property in value.EnumerateObject())
        {
            if (!schema.Properties.TryGetValue(property.Name, out var expected))
            {
                problems.Add($"{path}.{property.Name} is not allowed (additionalProperties: false)");
                continue;
            }

            if (property.Value.ValueKind != expected.Kind)
            {
                problems.Add($"{path}.{property.Name} is {property.Value.ValueKind}, not {expected.Kind}");
                continue;
            }

            if (expected.Items is { } items)
            {
                var i = 0;
                foreach (var item in property.Value.EnumerateArray())
                {
                    problems.AddRange(Problems(item, items, $"{path}.{property.Name}[{i++}]"));
                }
            }
        }

        return problems;
    }

    /// <summary>An object: its allowed properties and the required ones.</summary>
    public sealed record ObjectSchema(IReadOnlyDictionary<string, ValueSchema> Properties, IReadOnlyList<string> Required);

    /// <summary>A property's JSON kind (True and False stand for <c>enum: [true]</c> and <c>enum: [false]</c>), and an array's items.</summary>
    public sealed record ValueSchema(JsonValueKind Kind, ObjectSchema? Items = null);
}
