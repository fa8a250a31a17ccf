using System.Text.RegularExpressions;

namespace EngagementMetrics.Storage.Relational;

/// <summary>The store's table names, built from a validated schema and table prefix (never from user data).</summary>
internal sealed partial class RelationalNames
{
    public RelationalNames(string? schema, string prefix, string schemaOption, string prefixOption)
    {
        if (schema is not null)
        {
            Validate(schema, schemaOption, allowEmpty: false);
        }

        Validate(prefix, prefixOption, allowEmpty: true);
        var qualifier = schema is null ? string.Empty : schema + ".";
        Schema = schema;
        Prefix = prefix;
        SchemaVersion = qualifier + prefix + "schema_version";
        Bots = qualifier + prefix + "bots";
        EventIds = qualifier + prefix + "event_ids";
        Labels = qualifier + prefix + "labels";
        History = qualifier + prefix + "history";
        Users = qualifier + prefix + "users";
        FirstSeen = qualifier + prefix + "first_seen";
        Channels = qualifier + prefix + "channels";
        Conversations = qualifier + prefix + "conversations";
        Activity = qualifier + prefix + "activity";
    }

    public string? Schema { get; }

    public string Prefix { get; }

    public string SchemaVersion { get; }

    public string Bots { get; }

    /// <summary>The ids of stored events, for idempotency only.</summary>
    public string EventIds { get; }

    /// <summary>Goal and tag names by ordinal.</summary>
    public string Labels { get; }

    /// <summary>Every event, as compact day segments (<see cref="HistorySegment"/>).</summary>
    public string History { get; }

    public string Users { get; }

    /// <summary>Every user's first-seen ticks, in pages of ordinals (<see cref="FirstSeenPages"/>).</summary>
    public string FirstSeen { get; }

    public string Channels { get; }

    public string Conversations { get; }

    public string Activity { get; }

    /// <summary>How error messages name the tables: the schema and prefix.</summary>
    public string Describe => (Schema is null ? string.Empty : Schema + ".") + Prefix + "*";

    /// <summary>Lower-case letters, digits and underscores, starting with a letter or underscore, at most 40 characters.</summary>
    public static bool IsValid(string value, bool allowEmpty) =>
        (allowEmpty && value.Length == 0) || (value.Length <= 40 && IdentifierPattern().IsMatch(value));

    private static void Validate(string value, string option, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(value, option);
        if (!IsValid(value, allowEmpty))
        {
            throw new EngagementValidationException(
                option,
                value,
                $"{option} '{value}' is not a valid identifier: use lower-case letters, digits and underscores, starting with a letter or underscore, at most 40 characters");
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}
