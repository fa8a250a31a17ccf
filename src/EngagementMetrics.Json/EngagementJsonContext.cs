using System.Text.Json.Serialization;

namespace EngagementMetrics.Json;

/// <summary>Source-generated serialization metadata for every response document (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(KoreV1Response<KoreDailyPoint>))]
[JsonSerializable(typeof(KoreV1Response<KoreHourlyPoint>))]
[JsonSerializable(typeof(KoreV2Response<KoreDailyPoint>))]
[JsonSerializable(typeof(KoreV2Response<KoreHourlyPoint>))]
[JsonSerializable(typeof(RocketChatHourlyResponse))]
[JsonSerializable(typeof(RocketChatWeeklyResponse))]
[JsonSerializable(typeof(RocketChatError))]
[JsonSerializable(typeof(RocketChatUnauthorizedError))]
[JsonSerializable(typeof(KoreErrorResponse))]
[JsonSerializable(typeof(StatisticsResponse))]
[JsonSerializable(typeof(StatisticsErrorResponse))]
[JsonSerializable(typeof(StatisticsRowDocument[]))]
[JsonSerializable(typeof(IngestResponse))]
[JsonSerializable(typeof(IngestErrorResponse))]
[JsonSerializable(typeof(LifecycleDocument))]
[JsonSerializable(typeof(RetentionDocument))]
public sealed partial class EngagementJsonContext : JsonSerializerContext;
