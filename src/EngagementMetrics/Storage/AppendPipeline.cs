using EngagementMetrics.Events;

namespace EngagementMetrics.Storage;

/// <summary>
/// The one way events get into a store: validation (once), strict or lenient mode, account ownership, duplicates within
/// the batch, and rejections named by their position in the input. Every store of this project calls it, and a third
/// party's store can too (see <see cref="IAppendTarget"/>), so a store only writes.
/// </summary>
/// <remarks>
/// <para><b>Order of rules.</b> Each event is validated (<see cref="InteractionEventValidator"/>; events read by
/// <see cref="EventStreamReader"/> were validated as they were read and are not checked twice). Events are grouped by
/// bot; a bot belongs to the account its first stored event names, or <c>default</c>; an event naming another account is
/// rejected (field <c>accountId</c>), an event omitting it inherits the bot's. Within the batch, a repeated
/// (<c>botId</c>, <c>eventId</c>) is a duplicate of its first occurrence; against the store, the store decides.</para>
/// <para><b>Strict</b> (the default): any rejected event rejects the batch before anything is written, with
/// <see cref="EventBatchRejectedException"/> listing every rejection. <b>Lenient</b>: the other events are stored and the
/// rejections returned. Either way the batch is one transaction of the store.</para>
/// <para>Thread-safe (stateless); concurrency is the store's transaction's business.</para>
/// </remarks>
public static class AppendPipeline
{
    /// <summary>Appends a batch of events to a store through its <see cref="IAppendTarget"/>.</summary>
    /// <param name="target">The store's write side.</param>
    /// <param name="events">The batch, in any order.</param>
    /// <param name="mode">What to do with rejected events.</param>
    /// <param name="cancellationToken">Cancels the append; nothing is stored then.</param>
    /// <returns>What was stored, skipped as duplicates and rejected (rejections name the event's index in <paramref name="events"/>).</returns>
    /// <exception cref="EventBatchRejectedException">Strict mode and at least one event was rejected; nothing was stored.</exception>
    public static async ValueTask<AppendResult> AppendAsync(IAppendTarget target, IReadOnlyList<InteractionEvent> events, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(events);
        var store = EngagementDiagnostics.StoreName(target);
        using var activity = EngagementDiagnostics.Source.StartActivity("engagement append");
        activity?.SetTag("engagement.store", store);
        activity?.SetTag("engagement.events", events.Count);
        try
        {
            var result = await AppendCoreAsync(target, events, mode, cancellationToken).ConfigureAwait(false);
            Count(store, result.Stored, result.Duplicates, result.Rejected.Count, activity);
            return result;
        }
        catch (EventBatchRejectedException ex)
        {
            Count(store, 0, 0, ex.Errors.Count, activity);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
    }

    private static void Count(string store, int stored, int duplicates, int rejected, System.Diagnostics.Activity? activity)
    {
        var tag = new KeyValuePair<string, object?>("engagement.store", store);
        EngagementDiagnostics.EventsAppended.Add(stored, tag);
        EngagementDiagnostics.EventsDuplicate.Add(duplicates, tag);
        EngagementDiagnostics.EventsRejected.Add(rejected, tag);
        activity?.SetTag("engagement.stored", stored);
        activity?.SetTag("engagement.duplicates", duplicates);
        activity?.SetTag("engagement.rejected", rejected);
    }

    private static async ValueTask<AppendResult> AppendCoreAsync(IAppendTarget target, IReadOnlyList<InteractionEvent> events, AppendMode mode, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (events is EventColumns columns)
        {
            return await AppendColumnsAsync(target, columns, mode, cancellationToken).ConfigureAwait(false);
        }

        var errors = new List<EventError>();
        var byBot = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        var validated = events is ValidatedEvents;
        for (var i = 0; i < events.Count; i++)
        {
            var evt = events[i];
            var error = validated ? null : InteractionEventValidator.Validate(evt, i);
            if (error is not null)
            {
                errors.Add(error);
                continue;
            }

            if (!byBot.TryGetValue(evt.BotId, out var indexes))
            {
                byBot[evt.BotId] = indexes = [];
            }

            indexes.Add(i);
        }

        if (mode == AppendMode.Strict && errors.Count > 0)
        {
            throw new EventBatchRejectedException(errors);
        }

        if (byBot.Count == 0)
        {
            return new AppendResult(0, 0, errors);
        }

        await using var transaction = await target.BeginAppendAsync(cancellationToken).ConfigureAwait(false);
        if (transaction is IBatchLockingAppendTransaction locking)
        {
            await locking.LockBotsAsync([.. byBot.Keys], cancellationToken).ConfigureAwait(false);
        }

        // First every bot's lock and owner, so a strict batch is refused before anything is written.
        var plans = new List<(string Bot, string Account, List<InteractionEvent> Events)>(byBot.Count);
        var duplicates = 0;
        foreach (var (botId, indexes) in byBot)
        {
            var owner = await transaction.LockBotAsync(botId, cancellationToken).ConfigureAwait(false);
            var account = owner;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var accepted = new List<InteractionEvent>(indexes.Count);
            foreach (var i in indexes)
            {
                var evt = events[i];
                var named = evt.AccountId is { Length: > 0 } a ? a : null;
                account ??= named ?? InteractionEvent.DefaultAccountId;
                if (named is not null && !string.Equals(named, account, StringComparison.Ordinal))
                {
                    errors.Add(new EventError(i, null, "accountId", $"bot '{botId}' already belongs to another account than '{named}'"));
                    continue;
                }

                if (evt.EventId is { } id && !ids.Add(id))
                {
                    duplicates++;
                    continue;
                }

                accepted.Add(evt);
            }

            plans.Add((botId, account!, accepted));
        }

        errors.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        if (mode == AppendMode.Strict && errors.Count > 0)
        {
            throw new EventBatchRejectedException(errors);
        }

        var stored = 0;
        foreach (var (botId, account, accepted) in plans)
        {
            if (accepted.Count == 0)
            {
                continue;
            }

            var skipped = await transaction.WriteAsync(botId, account, accepted, cancellationToken).ConfigureAwait(false);
            duplicates += skipped;
            stored += accepted.Count - skipped;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AppendResult(stored, duplicates, errors);
    }

    // The same rules for events in columns (validated by the reader), without an object or a string per event: bots
    // grouped by reference (the reader hands out one string per bot), duplicates within the batch found on the ids' UTF-8
    // bytes. A transaction that reads columns gets them as they are; any other gets event objects, built once per bot.
    private static async ValueTask<AppendResult> AppendColumnsAsync(IAppendTarget target, EventColumns events, AppendMode mode, CancellationToken cancellationToken)
    {
        var errors = new List<EventError>();
        if (events.Count == 0)
        {
            return new AppendResult(0, 0, errors);
        }

        // Each event's bot as a number, then the events of each bot in batch order.
        var botIds = new List<string>();
        var botOf = System.Buffers.ArrayPool<int>.Shared.Rent(events.Count);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        string? lastBot = null;
        var last = -1;
        for (var i = 0; i < events.Count; i++)
        {
            var bot = events.GetBotId(i);
            if (!ReferenceEquals(bot, lastBot))
            {
                if (!byName.TryGetValue(bot, out last))
                {
                    last = botIds.Count;
                    byName.Add(bot, last);
                    botIds.Add(bot);
                }

                lastBot = bot;
            }

            botOf[i] = last;
        }

        var counts = new int[botIds.Count];
        for (var i = 0; i < events.Count; i++)
        {
            counts[botOf[i]]++;
        }

        var indexes = new int[botIds.Count][];
        for (var b = 0; b < indexes.Length; b++)
        {
            indexes[b] = new int[counts[b]];
            counts[b] = 0;
        }

        for (var i = 0; i < events.Count; i++)
        {
            var b = botOf[i];
            indexes[b][counts[b]++] = i;
        }

        System.Buffers.ArrayPool<int>.Shared.Return(botOf);
        var order = Enumerable.Range(0, botIds.Count).ToArray();
        Array.Sort(order, (a, b) => string.CompareOrdinal(botIds[a], botIds[b]));

        await using var transaction = await target.BeginAppendAsync(cancellationToken).ConfigureAwait(false);
        if (transaction is IBatchLockingAppendTransaction locking)
        {
            await locking.LockBotsAsync([.. order.Select(b => botIds[b])], cancellationToken).ConfigureAwait(false);
        }

        // First every bot's lock and owner, so a strict batch is refused before anything is written.
        var plans = new List<(string Bot, string Account, EventColumns Events)>(botIds.Count);
        var duplicates = 0;
        var columnar = transaction as IColumnarAppendTransaction;

        // A transaction that finds ids repeated within a write itself (the in-memory store, whose set of ids answers
        // for the batch's earlier events as for stored ones) is given them: looking them up here too would hash every
        // id twice.
        var findRepeated = columnar is not { FindsRepeatedIds: true };
        foreach (var b in order)
        {
            var botId = botIds[b];
            var owner = await transaction.LockBotAsync(botId, cancellationToken).ConfigureAwait(false);
            var account = owner;
            var mine = indexes[b];
            var accepted = 0;
            var seen = findRepeated ? new Utf8IdSet(events, mine.Length) : default;
            try
            {
                foreach (var i in mine)
                {
                    var a = events.GetAccountId(i);
                    var named = a is { Length: > 0 } ? a : null;
                    account ??= named ?? InteractionEvent.DefaultAccountId;
                    if (named is not null && !ReferenceEquals(named, account) && !string.Equals(named, account, StringComparison.Ordinal))
                    {
                        errors.Add(new EventError(i, null, "accountId", $"bot '{botId}' already belongs to another account than '{named}'"));
                        continue;
                    }

                    if (findRepeated && events.TryGetEventIdUtf8(i, out var id) && !seen.Add(id, i))
                    {
                        duplicates++;
                        continue;
                    }

                    // In place: the write position never passes the read position.
                    mine[accepted++] = i;
                }
            }
            finally
            {
                seen.Dispose();
            }

            plans.Add((botId, account!, events.Select(mine, accepted)));
        }

        errors.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        if (mode == AppendMode.Strict && errors.Count > 0)
        {
            throw new EventBatchRejectedException(errors);
        }

        var stored = 0;
        foreach (var (botId, account, accepted) in plans)
        {
            if (accepted.Count == 0)
            {
                continue;
            }

            int skipped;
            if (columnar is not null)
            {
                skipped = await columnar.WriteColumnsAsync(botId, account, accepted, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Stores read a bot's events several times: build each object once.
                var objects = new InteractionEvent[accepted.Count];
                for (var i = 0; i < objects.Length; i++)
                {
                    objects[i] = accepted[i];
                }

                skipped = await transaction.WriteAsync(botId, account, objects, cancellationToken).ConfigureAwait(false);
            }

            duplicates += skipped;
            stored += accepted.Count - skipped;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AppendResult(stored, duplicates, errors);
    }

    /// <summary>
    /// Streams every batch of <paramref name="reader"/> into <paramref name="store"/>, one append (one transaction) per
    /// batch, reading and parsing the next batch on another thread while the current one is stored, so the parsing and
    /// the store's work overlap. Yields each batch with what its append did, in input order.
    /// </summary>
    /// <remarks>
    /// The events of a yielded batch (<see cref="EventReadResult.Events"/>, <see cref="EventReadResult.Positions"/>) are
    /// released when the enumeration moves on, so the reader reuses their memory for a later batch at once: read them
    /// before asking for the next batch (they throw <see cref="ObjectDisposedException"/> afterwards). The batch's
    /// <see cref="EventReadResult.RecordCount"/> and <see cref="EventReadResult.Errors"/>, and the append's result, stay.
    /// </remarks>
    /// <param name="store">The store.</param>
    /// <param name="reader">The reader; nothing else may use it during the enumeration.</param>
    /// <param name="mode">Applied to each batch on its own (strict refuses a batch, not what was stored before it).</param>
    /// <param name="cancellationToken">Cancels reading and appending.</param>
    /// <exception cref="EventBatchRejectedException">Strict mode and a record of the current batch was refused.</exception>
    public static async IAsyncEnumerable<IngestedBatch> AppendAllAsync(this IInteractionStore store, EventStreamReader reader, AppendMode mode = AppendMode.Lenient, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(reader);
        Task<EventReadResult?> ReadAhead() => Task.Run(() => reader.ReadBatchAsync(cancellationToken).AsTask(), cancellationToken);
        var next = ReadAhead();
        try
        {
            while (await next.ConfigureAwait(false) is { } batch)
            {
                next = ReadAhead();
                var result = await store.AppendAsync(batch, mode, cancellationToken).ConfigureAwait(false);
                yield return new IngestedBatch(batch, result);
                reader.Release(batch);
            }
        }
        finally
        {
            // A read still running when the caller stops (or an append failed) must finish before the reader is reused
            // or disposed; its outcome no longer matters.
            try
            {
                await next.ConfigureAwait(false);
            }
            catch (Exception) when (next.IsFaulted || next.IsCanceled)
            {
            }
        }
    }

    /// <summary>
    /// Appends a batch read by <see cref="EventStreamReader"/>: its read errors and the store's rejections come back
    /// together, each named by its position in the input (line number, or array index) and in input order.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="batch">One batch of the reader.</param>
    /// <param name="mode">Strict: any read error or rejection stores nothing of the batch and throws. Lenient: the valid events are stored.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <exception cref="EventBatchRejectedException">Strict mode and at least one record was refused (every one is listed, by position).</exception>
    public static async ValueTask<AppendResult> AppendAsync(this IInteractionStore store, EventReadResult batch, AppendMode mode = AppendMode.Strict, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(batch);
        if (mode == AppendMode.Strict && batch.Errors.Count > 0)
        {
            throw new EventBatchRejectedException(batch.Errors);
        }

        var rejected = new List<EventError>(batch.Errors);
        if (batch.Events.Count == 0)
        {
            return new AppendResult(0, 0, rejected);
        }

        try
        {
            var result = await store.AppendAsync(batch.Events, mode, cancellationToken).ConfigureAwait(false);
            rejected.AddRange(result.Rejected.Select(batch.AtPosition));
            rejected.Sort(static (a, b) => a.Index.CompareTo(b.Index));
            return result with { Rejected = rejected };
        }
        catch (EventBatchRejectedException ex)
        {
            throw new EventBatchRejectedException([.. ex.Errors.Select(batch.AtPosition)]);
        }
    }
}

/// <summary>Events that <see cref="EventStreamReader"/> has validated: the pipeline does not check them again.</summary>
/// <remarks>Only the reader creates it; the events are immutable, so what was checked is what is stored.</remarks>
internal sealed class ValidatedEvents(IReadOnlyList<InteractionEvent> events) : IReadOnlyList<InteractionEvent>
{
    public int Count => events.Count;

    public InteractionEvent this[int index] => events[index];

    public IEnumerator<InteractionEvent> GetEnumerator() => events.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => events.GetEnumerator();
}

/// <summary>
/// The event ids of one bot's events in a batch, as a set over their UTF-8 bytes in the batch's own storage: an
/// open-addressing table of event indexes (pooled), so finding the ids repeated within a batch makes no string.
/// </summary>
internal struct Utf8IdSet : IDisposable
{
    private readonly EventColumns _events;
    private int[] _slots;
    private readonly int _mask;

    public Utf8IdSet(EventColumns events, int capacity)
    {
        _events = events;
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _slots = System.Buffers.ArrayPool<int>.Shared.Rent(size);
        Array.Clear(_slots, 0, size);
        _mask = size - 1;
    }

    /// <summary>Adds the id of event <paramref name="index"/>; false when an earlier event had the same id.</summary>
    public readonly bool Add(ReadOnlySpan<byte> id, int index)
    {
        var hash = new HashCode();
        hash.AddBytes(id);
        var slot = hash.ToHashCode() & _mask;
        while (_slots[slot] != 0)
        {
            _events.TryGetEventIdUtf8(_slots[slot] - 1, out var other);
            if (id.SequenceEqual(other))
            {
                return false;
            }

            slot = (slot + 1) & _mask;
        }

        _slots[slot] = index + 1;
        return true;
    }

    public void Dispose()
    {
        if (_slots is { Length: > 0 })
        {
            System.Buffers.ArrayPool<int>.Shared.Return(_slots);
            _slots = [];
        }
    }
}
