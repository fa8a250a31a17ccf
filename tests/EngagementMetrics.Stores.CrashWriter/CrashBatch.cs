using System.Globalization;
using EngagementMetrics.Events;

namespace EngagementMetrics.Stores.CrashWriter;

/// <summary>
/// The batches of the kill -9 durability tests, built the same way by the writer process and by the tests that check
/// what it left (this file is linked into the tests project).
/// </summary>
internal static class CrashBatch
{
    /// <summary>The one bot every batch writes to.</summary>
    public const string Bot = "crash-bot";

    /// <summary>The first event's instant; event <c>i</c> of a batch is <c>i</c> seconds later.</summary>
    public static readonly DateTimeOffset Origin = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// <paramref name="count"/> <c>message_in</c> events with ids <c>{prefix}{i}</c>, users <c>{prefix}user-{i % 5000}</c>,
    /// one a second from <see cref="Origin"/>. Different prefixes share no id and no user.
    /// </summary>
    public static InteractionEvent[] Create(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new InteractionEvent
        {
            BotId = Bot,
            EventId = prefix + i.ToString(CultureInfo.InvariantCulture),
            UserId = prefix + "user-" + (i % 5000).ToString(CultureInfo.InvariantCulture),
            Timestamp = Origin.AddSeconds(i),
            Kind = InteractionKind.MessageIn,
            Channel = "rtm",
        })];

    /// <summary>The PostgreSQL <c>application_name</c> of the writer's sessions on <paramref name="schema"/>, so a test can find them in <c>pg_stat_activity</c>.</summary>
    public static string ApplicationName(string schema) => "em-crash-" + schema;
}
