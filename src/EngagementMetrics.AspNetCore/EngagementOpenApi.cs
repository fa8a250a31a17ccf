#if NET10_0_OR_GREATER
using System.Globalization;
using System.Text.Json.Nodes;
using EngagementMetrics.Events;
using EngagementMetrics.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace EngagementMetrics.AspNetCore;

/// <summary>
/// The OpenAPI description of the routes (.NET 10 hosts, with Microsoft.AspNetCore.OpenApi): parameters with the
/// documented names and allowed values, request bodies, every response with its document's schema, and the security
/// schemes of the documented header conventions.
/// </summary>
/// <remarks>
/// The routes carry their operation ids, summaries, tags and response types as ordinary endpoint metadata on every
/// target; these transformers add what only the package knows: the parameters the handlers read themselves, the Kore.ai
/// filters body, the events body, the alternative documents of one status, the hourly data point's 24 keys and the
/// authentication. Operations of other routes of the host are left as they are.
/// </remarks>
public static class EngagementOpenApi
{
    /// <summary>Security scheme of the Kore.ai routes: the <c>auth</c> header holding an HS256 JWT.</summary>
    public const string KoreJwtScheme = "KoreJwt";

    /// <summary>Security scheme of the Rocket.Chat routes, with <see cref="RocketChatTokenScheme"/>: the <c>X-User-Id</c> header.</summary>
    public const string RocketChatUserScheme = "RocketChatUserId";

    /// <summary>Security scheme of the Rocket.Chat routes, with <see cref="RocketChatUserScheme"/>: the <c>X-Auth-Token</c> header.</summary>
    public const string RocketChatTokenScheme = "RocketChatAuthToken";

    /// <summary>Security scheme of the statistics routes: <c>Authorization: Bearer</c> with an account or bot token.</summary>
    public const string StatisticsBearerScheme = "StatisticsBearer";

    /// <summary>Security scheme of the ingest route: the <c>X-Api-Key</c> header.</summary>
    public const string IngestKeyScheme = "IngestApiKey";

    /// <summary>
    /// Adds an OpenAPI document (default <c>v1</c>, served by <c>app.MapOpenApi()</c> at <c>/openapi/v1.json</c>) that
    /// describes the EngagementMetrics routes: <c>AddOpenApi(documentName, o => o.AddEngagementMetricsTransformers())</c>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="documentName">The document's name, the <c>{documentName}</c> of <c>/openapi/{documentName}.json</c>.</param>
    /// <param name="configure">More settings of the document (its title, the host's own transformers), applied after the package's.</param>
    public static IServiceCollection AddEngagementMetricsOpenApi(this IServiceCollection services, string documentName = "v1", Action<OpenApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddOpenApi(documentName, o =>
        {
            o.AddEngagementMetricsTransformers();
            configure?.Invoke(o);
        });
    }

    /// <summary>
    /// Adds the transformers that describe the EngagementMetrics routes to a document:
    /// <c>builder.Services.AddOpenApi(o => o.AddEngagementMetricsTransformers())</c>, then <c>app.MapOpenApi()</c>.
    /// </summary>
    /// <remarks>
    /// A family's security scheme is described only while the family uses the built-in scheme
    /// (<see cref="EngagementEndpointOptions"/>' <c>KoreSchemes</c>, ...): a host that names its own scheme describes it
    /// itself. Schemas come from the app's JSON options, as every schema of the document; the defaults (camelCase) are
    /// the documents' own names.
    /// </remarks>
    public static OpenApiOptions AddEngagementMetricsTransformers(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddSchemaTransformer(DescribeSchemaAsync);
        options.AddOperationTransformer(DescribeOperationAsync);
        options.AddDocumentTransformer(DescribeSecuritySchemesAsync);
        return options;
    }

    private static Task DescribeSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (context.JsonPropertyInfo is { } property && IsDocument(property.DeclaringType))
        {
            // The documents are written with strict number handling (EngagementJsonContext): counts, averages and
            // percentages are JSON numbers, never strings, whatever the app's own JSON options would read; so are the
            // entries of an array of them (retention's retained and percent).
            StrictNumber(schema);
            if (schema.Items is OpenApiSchema items)
            {
                StrictNumber(items);
            }
        }

        if (type == typeof(IReadOnlyList<KoreHourlyPoint>))
        {
            // KoreHourlyPointConverter writes the point; the generator sees only a converter and describes nothing.
            schema.Items = HourlyPointReference(context.Document!);
        }
        else if (type == typeof(KoreDailyPoint))
        {
            schema.Properties!["date"] = DateLabel();
        }
        else if (type == typeof(IngestRejection))
        {
            // Null is never written: a rejection names its line (JSON Lines) or its index (JSON array), not both.
            schema.Properties!["index"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Zero-based index in a JSON array body; absent for JSON Lines." };
            schema.Properties["line"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "One-based line of a JSON Lines body; absent for a JSON array." };
        }

        return Task.CompletedTask;
    }

    private static void StrictNumber(OpenApiSchema schema)
    {
        if (schema.Type is { } numeric && numeric.HasFlag(JsonSchemaType.String) && (numeric.HasFlag(JsonSchemaType.Integer) || numeric.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = numeric & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    private static bool IsDocument(Type type) => type.Assembly == typeof(KoreTrendJson).Assembly;

    // {"date":"Dec 01 2025","0 - 1":0,...,"23 - 0":0}: the date, then the 24 hour keys in order, nothing else.
    private static OpenApiSchemaReference HourlyPointReference(OpenApiDocument document)
    {
        const string Id = nameof(KoreHourlyPoint);
        if (document.Components?.Schemas?.ContainsKey(Id) != true)
        {
            var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) { ["date"] = DateLabel() };
            foreach (var key in KoreTrendJson.HourlyKeys)
            {
                properties[key] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" };
            }

            document.AddComponent(Id, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "One local day: the date and distinct users per local hour, \"0 - 1\" ... \"23 - 0\".",
                Properties = properties,
                Required = new HashSet<string>(properties.Keys, StringComparer.Ordinal),
                AdditionalPropertiesAllowed = false,
            });
        }

        return new OpenApiSchemaReference(Id, document);
    }

    private static OpenApiSchema DateLabel() => new()
    {
        Type = JsonSchemaType.String,
        Pattern = "^[A-Z][a-z]{2} [0-9]{2} [0-9]{4}$",
        Description = "The local date, MMM dd yyyy (invariant culture).",
        Examples = [JsonValue.Create("Dec 01 2025")],
    };

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<ApiOperation>().LastOrDefault() is not { } api)
        {
            return;
        }

        DescribeParameters(operation, api);
        if (api.Body == ApiBody.KoreFilters)
        {
            operation.RequestBody = KoreFiltersBody(api);
        }
        else if (api.Body == ApiBody.Events)
        {
            operation.RequestBody = EventsBody(context.Document!);
        }

        await DescribeResponsesAsync(operation, context, metadata, cancellationToken);
        if (SchemesInUse(context.ApplicationServices).TryGetValue(api.Family, out var schemes))
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var scheme in schemes)
            {
                requirement[new OpenApiSecuritySchemeReference(scheme, context.Document)] = [];
            }

            operation.Security = [requirement];
        }
    }

    // Path parameters come from the handlers' signatures (as strings); the rest the handlers read themselves. Each is
    // described once, from the route's metadata, in the order the metadata gives.
    private static void DescribeParameters(OpenApiOperation operation, ApiOperation api)
    {
        var parameters = new List<IOpenApiParameter>();
        foreach (var parameter in api.Parameters)
        {
            parameters.Add(new OpenApiParameter
            {
                Name = parameter.Name,
                In = parameter.In == ApiParameterPlace.Path ? ParameterLocation.Path : ParameterLocation.Query,
                Required = parameter.Required || parameter.In == ApiParameterPlace.Path,
                Description = parameter.Description,
                Schema = ValueSchema(parameter),
                Example = parameter.Example is null ? null : parameter.IntegerRange is null ? JsonValue.Create(parameter.Example) : JsonValue.Create(int.Parse(parameter.Example, CultureInfo.InvariantCulture)),
            });
        }

        // Anything the generator found that the metadata does not name (there should be nothing) is kept.
        foreach (var found in operation.Parameters ?? [])
        {
            if (!parameters.Any(p => p.Name == found.Name && p.In == found.In))
            {
                parameters.Add(found);
            }
        }

        operation.Parameters = parameters;
    }

    private static OpenApiSchema ValueSchema(ApiParameter parameter)
    {
        if (parameter.IntegerRange is { } range)
        {
            return new OpenApiSchema
            {
                Type = JsonSchemaType.Integer,
                Format = "int32",
                Minimum = range.Minimum.ToString(CultureInfo.InvariantCulture),
                Maximum = range.Maximum.ToString(CultureInfo.InvariantCulture),
            };
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = parameter.Format,
            Pattern = parameter.Pattern,
            Enum = parameter.Values?.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
            Default = parameter.Default is null ? null : JsonValue.Create(parameter.Default),
        };
    }

    // {"filters":{...}} with the query parameters' names (path parameters excluded); optional, since the query string
    // alone is enough. "channel" is the seed's body spelling of "channels".
    private static OpenApiRequestBody KoreFiltersBody(ApiOperation api)
    {
        var filters = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The same parameters as the query string, which wins where both give one. Arrays are joined with commas.",
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal),
        };
        foreach (var parameter in api.Parameters.Where(p => p.In == ApiParameterPlace.Query))
        {
            var schema = ValueSchema(parameter);
            schema.Description = parameter.Description;
            filters.Properties[parameter.Name] = schema;
        }

        var channels = TrendParameterNames.Kore.Channels;
        filters.Properties["channel"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = $"Read as {channels} when {channels} is absent." };
        return new OpenApiRequestBody
        {
            Required = false,
            Description = "Optional: the parameters as a JSON body's filters object.",
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal) { ["filters"] = filters },
                    },
                },
            },
        };
    }

    // The event of docs/events.md, once in the components, referenced by both media types.
    private static OpenApiRequestBody EventsBody(OpenApiDocument document)
    {
        const string EventSchema = "InteractionEvent";
        document.AddComponent(EventSchema, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One interaction event. Unknown fields are ignored; userId is required for the user-activity kinds (message_in, action_in, message_out, agent_message).",
            Required = new HashSet<string>(StringComparer.Ordinal) { "botId", "timestamp", "kind" },
            Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                ["eventId"] = Text("Makes ingest idempotent on (botId, eventId)."),
                ["accountId"] = Text("Owner account of the bot (default \"default\")."),
                ["botId"] = Text("The bot, app or stream."),
                ["userId"] = Text("The end user, as identified by the channel."),
                ["conversationId"] = Text("The conversation (session)."),
                ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "RFC 3339 instant with Z or an offset." },
                ["channel"] = Text("rtm, slack, msteams, whatsapp, ... (default \"default\"), compared case-insensitively."),
                ["kind"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. InteractionKinds.Names.Select(n => (JsonNode)JsonValue.Create(n))] },
                ["intentMatched"] = Flag("On message_in: NLP found an intent (true) or missed (false)."),
                ["fallback"] = Flag("On message_out: the bot answered with its fallback reply."),
                ["goal"] = Text("On goal_reached: the goal's name."),
                ["error"] = Flag("On api_request: the call failed."),
                ["tag"] = Text("On tag_hit: the tag's name."),
            },
        });
        var reference = new OpenApiSchemaReference(EventSchema, document);
        return new OpenApiRequestBody
        {
            Required = true,
            Description = "The events: a JSON array, or JSON Lines (one event object per line) with Content-Type application/x-ndjson (or a type naming jsonl).",
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = reference } },
                ["application/x-ndjson"] = new() { Schema = reference },
            },
        };

        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

        static OpenApiSchema Flag(string description) => new() { Type = JsonSchemaType.Boolean, Description = description };
    }

    // Descriptions from the routes' ApiResponseMeaning. Where a status has several document types (Kore.ai's hourly and
    // daily documents, ingest's 400) the schema is oneOf them, each a component: the generator keeps one per status.
    private static async Task DescribeResponsesAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, IList<object> metadata, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        var produced = metadata.OfType<IProducesResponseTypeMetadata>().ToList();
        foreach (var status in produced.Select(m => m.StatusCode).Distinct())
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            var types = produced.Where(m => m.StatusCode == status && m.Type is not null && !IsCsv(m)).Select(m => m.Type!).Distinct().ToList();
            var csv = produced.Any(m => m.StatusCode == status && IsCsv(m));

            // The generator's own schema where the status has one JSON document and nothing else; with a second media
            // type (CSV) it may have described either, so the document type is described here.
            var schema = !csv && operation.Responses.TryGetValue(key, out var generated) && types.Count == 1 && generated.Content is { } content && content.TryGetValue("application/json", out var json) && json.Schema is { } single
                ? single
                : types.Count == 1
                    ? await ComponentAsync(types[0], context, cancellationToken)
                    : new OpenApiSchema { OneOf = [.. await Task.WhenAll(types.Select(t => ComponentAsync(t, context, cancellationToken)))] };
            var response = new OpenApiResponse
            {
                Description = string.Join(" Or: ", metadata.OfType<ApiResponseMeaning>().Where(m => m.StatusCode == status).Select(m => m.Description)),
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = schema } },
            };
            if (csv)
            {
                // QueryAnswer answers the document's rows as CSV when the request asks for text/csv.
                response.Content[EngagementCsv.MediaType] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = string.Join(" ", metadata.OfType<ApiCsvAnswer>().Select(m => m.Description)),
                    },
                };
            }
            if (status == StatusCodes.Status429TooManyRequests)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal)
                {
                    ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before the next call.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" } },
                };
            }

            operation.Responses[key] = response;
        }
    }

    private static bool IsCsv(IProducesResponseTypeMetadata produced) => produced.ContentTypes.Contains(EngagementCsv.MediaType, StringComparer.OrdinalIgnoreCase);

    // A document type as a component named as the generator names them (KoreV1ResponseOfKoreHourlyPoint).
    private static async Task<IOpenApiSchema> ComponentAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var id = type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}Of{string.Join("And", type.GetGenericArguments().Select(a => a.Name))}" : type.Name;
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            document.AddComponent(id, await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
        }

        return new OpenApiSchemaReference(id, document);
    }

    private static Task DescribeSecuritySchemesAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var inUse = SchemesInUse(context.ApplicationServices).Values.SelectMany(s => s).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, scheme) in SecuritySchemes.Where(s => inUse.Contains(s.Key)))
        {
            document.AddComponent<IOpenApiSecurityScheme>(name, scheme);
        }

        return Task.CompletedTask;
    }

    private static readonly Dictionary<string, OpenApiSecurityScheme> SecuritySchemes = new(StringComparer.Ordinal)
    {
        [KoreJwtScheme] = new()
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "auth",
            Description = "Kore.ai: a JWT signed HS256 with the client secret of the app named by its appId claim; exp required. The app reads only its bots.",
        },
        [RocketChatUserScheme] = new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-User-Id", Description = "Rocket.Chat: the user id, with X-Auth-Token." },
        [RocketChatTokenScheme] = new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Auth-Token", Description = "Rocket.Chat: the user's token, with X-User-Id. The user needs view-engagement-dashboard." },
        [StatisticsBearerScheme] = new() { Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "Statistics: an account token (account route) or a bot token (bot route)." },
        [IngestKeyScheme] = new() { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Api-Key", Description = "Ingest: one of the configured IngestApiKeys." },
    };

    // The families whose routes use the built-in scheme, with the document's scheme names (all required together).
    private static Dictionary<ApiFamily, string[]> SchemesInUse(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<EngagementEndpointOptions>>().Value;
        var inUse = new Dictionary<ApiFamily, string[]>();
        Add(ApiFamily.Kore, options.KoreSchemes, EngagementAuthentication.KoreScheme, [KoreJwtScheme]);
        Add(ApiFamily.Lifecycle, options.KoreSchemes, EngagementAuthentication.KoreScheme, [KoreJwtScheme]);
        Add(ApiFamily.RocketChat, options.RocketChatSchemes, EngagementAuthentication.RocketChatScheme, [RocketChatUserScheme, RocketChatTokenScheme]);
        Add(ApiFamily.Statistics, options.StatisticsSchemes, EngagementAuthentication.StatisticsScheme, [StatisticsBearerScheme]);
        Add(ApiFamily.Ingest, options.IngestSchemes, EngagementAuthentication.IngestScheme, [IngestKeyScheme]);
        return inUse;

        void Add(ApiFamily family, string configured, string builtIn, string[] names)
        {
            if (configured.Split(',', StringSplitOptions.TrimEntries).Contains(builtIn, StringComparer.Ordinal))
            {
                inUse[family] = names;
            }
        }
    }
}
#endif
