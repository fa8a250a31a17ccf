using System.Text.Json.Serialization;

namespace EngagementMetrics.Sqlite;

/// <summary>Serialises key lists for <c>json_each</c> without reflection.</summary>
[JsonSerializable(typeof(IReadOnlyCollection<string>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext
{
}
