namespace EngagementMetrics.Storage;

/// <summary>
/// A consistent, read-only view of one bot's user activity, in the columnar shape the engine consumes.
/// Users, channels and conversations are numbered densely from 0 (ordinals) for this snapshot.
/// </summary>
/// <remarks>
/// Everything a snapshot returns describes the same moment: a batch appended after the snapshot was opened is
/// invisible to it. A snapshot is not meant to be shared between threads; open one per query and dispose it.
/// </remarks>
public interface IActivitySnapshot : IAsyncDisposable
{
    /// <summary>The bot.</summary>
    string BotId { get; }

    /// <summary>The account that owns the bot.</summary>
    string AccountId { get; }

    /// <summary>Number of distinct users; user ordinals are 0 to <c>UserCount - 1</c>.</summary>
    int UserCount { get; }

    /// <summary>Number of distinct conversations; conversation ordinals are 0 to <c>ConversationCount - 1</c>.</summary>
    int ConversationCount { get; }

    /// <summary>Channel names (lower case) by channel ordinal.</summary>
    IReadOnlyList<string> Channels { get; }

    /// <summary>
    /// For each user ordinal, the UTC ticks (<see cref="DateTime.Ticks"/>) of the user's earliest user-activity event
    /// with this bot, over the whole history, ignoring every filter.
    /// </summary>
    /// <remarks>The memory is valid until the snapshot is disposed (a store may lend it from a pool).</remarks>
    ValueTask<ReadOnlyMemory<long>> GetFirstSeenAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the facts of every conversation, by ordinal, into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="ConversationCount"/> long.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask CopyConversationFactsAsync(Memory<ConversationFacts> destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the user-activity events with <paramref name="fromUtcTicks"/> &lt;= timestamp &lt; <paramref name="toUtcTicks"/>
    /// in timestamp order (ties in any order), as columnar batches.
    /// </summary>
    /// <remarks>A batch's memory is valid until the next batch is requested; do not keep it.</remarks>
    IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the same events as <see cref="ScanAsync(long, long, CancellationToken)"/> for a caller that reads only
    /// the timestamps, the users and the <paramref name="columns"/> named: a store may then skip reading the others.
    /// </summary>
    /// <remarks>
    /// Every batch still has four columns of <see cref="ActivityBatch.Count"/> elements, but the content of a column
    /// not named is unspecified. The default implementation reads every column.
    /// </remarks>
    /// <param name="fromUtcTicks">Inclusive start, UTC ticks.</param>
    /// <param name="toUtcTicks">Exclusive end, UTC ticks.</param>
    /// <param name="columns">The channel and conversation columns the caller reads.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    IAsyncEnumerable<ActivityBatch> ScanAsync(long fromUtcTicks, long toUtcTicks, ActivityColumns columns, CancellationToken cancellationToken = default) =>
        ScanAsync(fromUtcTicks, toUtcTicks, cancellationToken);
}
