using System.Runtime.CompilerServices;
using EngagementMetrics.Events;
using EngagementMetrics.InMemory;
using EngagementMetrics.Storage;
using EngagementMetrics.Trends;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary>The in-memory store's columnar layout: what it keeps, what it gives back, and how little it holds.</summary>
public class InMemoryColumnarTests
{
    private static readonly DateTimeOffset Origin = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    // ---- Fingerprints ------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, "a3817f04ba25a8e66df67214c7550293")]
    [InlineData(1, "da87c1d86b99af44347659119b22fc45")]
    [InlineData(7, "a1f1ebbed8dbc153c0b84aa61ff08239")]
    [InlineData(8, "3b62a9ba6258f5610f83e264f31497b4")]
    [InlineData(15, "5493e99933b0a8117e08ec0f97cfc3d9")]
    [InlineData(63, "5150d1772f50834a503e069a973fbd7c")]
    public void SipHash128_MatchesTheReferenceVectors(int length, string expected)
    {
        // The reference's vectors_sip128: key 00..0f, message 00..(length-1), output bytes in order.
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var hash = EventIdFingerprints.SipHash128(BitConverter.ToUInt64(key, 0), BitConverter.ToUInt64(key, 8), message);
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)hash);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 8), (ulong)(hash >> 64));
        Convert.ToHexString(bytes).ToLowerInvariant().Should().Be(expected);
    }

    [Fact]
    public void FingerprintSet_KeepsNinetySixBits_LongRunsOfOneHighHalfStayOrdered()
    {
        // Many fingerprints share their high 64 bits (runs ordered by the low 32 kept bits, across growth and splits);
        // two that differ only in the 32 bits not kept are one fingerprint: the documented 2^-96 chance.
        var set = new FingerprintSet();
        var random = new Random(17);
        var his = Enumerable.Range(0, 300).Select(_ => (ulong)random.NextInt64()).ToArray();
        var kept = new HashSet<(ulong, uint)>();
        var all = new List<UInt128>();
        for (var i = 0; i < 60_000; i++)
        {
            var hi = his[random.Next(his.Length)];
            var lo = (ulong)random.NextInt64();
            var fingerprint = new UInt128(hi, lo);
            set.Add(fingerprint).Should().Be(kept.Add((hi, (uint)lo)));
            all.Add(fingerprint);
        }

        set.Count.Should().Be(kept.Count);
        all.Should().OnlyContain(f => set.Contains(f));
        var some = all[123];
        set.Add(some ^ (UInt128)(0xFFFF_FFFFUL << 32)).Should().BeFalse("only the low 32 bits of the low half are kept");
        set.Contains(some ^ 1).Should().Be(kept.Contains(((ulong)(some >> 64), (uint)some ^ 1u)));

        // Undo after all that growth: gone where they lie, the rest still found.
        var generation = set.Generation;
        var extra = Enumerable.Range(0, 5_000).Select(_ => new UInt128(his[random.Next(his.Length)], (ulong)random.NextInt64())).Where(f => !set.Contains(f)).Distinct().ToList();
        foreach (var f in extra)
        {
            set.Add(f).Should().BeTrue();
        }

        extra.Reverse();
        set.Undo(extra, generation);
        set.Count.Should().Be(kept.Count);
        extra.Should().OnlyContain(f => !set.Contains(f));
        all.Should().OnlyContain(f => set.Contains(f));
    }

    [Fact]
    public void FingerprintSet_RemembersEveryFingerprintThroughGrowthAndSplits_AndUndoRestoresIt()
    {
        var random = new Random(11);
        UInt128 Next() => new((ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63), (ulong)random.NextInt64());
        var set = new FingerprintSet();
        var kept = Enumerable.Range(0, 300_000).Select(_ => Next()).Append(UInt128.Zero).ToArray();
        foreach (var f in kept)
        {
            set.Add(f).Should().BeTrue();
        }

        set.Count.Should().Be(kept.Length);
        set.Add(kept[12_345]).Should().BeFalse();
        set.Add(UInt128.Zero).Should().BeFalse();
        kept.Should().OnlyContain(f => set.Contains(f));
        set.Bytes.Should().BeLessThan(18L * kept.Length, "12 bytes per fingerprint in tables 62% to 93% full, and a small directory");

        // Undo without growth in between, then with growth and splits in between (entries removed where they lie).
        foreach (var count in new[] { 5, 60_000 })
        {
            var generation = set.Generation;
            var added = Enumerable.Range(0, count).Select(_ => Next()).ToList();
            var flags = new bool[count];
            set.AddRange(added.ToArray(), flags);
            flags.Should().OnlyContain(f => f);
            added.Reverse();
            set.Undo(added, generation);
            set.Count.Should().Be(kept.Length);
            added.Should().OnlyContain(f => !set.Contains(f));
            kept.Should().OnlyContain(f => set.Contains(f));
        }
    }

    // ---- Id tables ---------------------------------------------------------------------------------------------------

    [Fact]
    public void IdTable_NumbersIdsOnce_AsciiAndNot_ThroughRehashesAndTheRecentCache()
    {
        // Keyed on the string hash, compared with the UTF-8 bytes in the arena: ids that are ASCII, that are not (two-,
        // three- and four-byte characters), that differ only past their first characters or in one non-ASCII
        // character, and that are prefixes of each other, are told apart; new string instances with equal text (not
        // the reference the recent cache holds) find the same ordinal.
        var ids = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            ids.Add($"conv-{i}");
            ids.Add($"conv-{i}-é");
            ids.Add($"conv-{i}-è");
            ids.Add($"会話-{i}");
            ids.Add($"😀{i}");
            ids.Add($"{i}");
        }

        var table = new IdTable();
        for (var i = 0; i < ids.Count; i++)
        {
            table.Intern(ids[i], out var isNew).Should().Be(i);
            isNew.Should().BeTrue();
        }

        for (var i = ids.Count - 1; i >= 0; i--)
        {
            var copy = new string(ids[i].AsSpan());
            table.Intern(copy, out var isNew).Should().Be(i, ids[i]);
            isNew.Should().BeFalse();
            table.TryFind(new string(ids[i].AsSpan()), out var found).Should().BeTrue();
            found.Should().Be(i);
        }

        table.TryFind("conv-1-e", out _).Should().BeFalse("é and e are different ids");
        table.TryFind("会話-", out _).Should().BeFalse("a prefix is another id");
        table.TryFind("😀", out _).Should().BeFalse();
        var view = table.Publish();
        view.Count.Should().Be(ids.Count);
        Enumerable.Range(0, ids.Count).Select(i => view[i]).Should().Equal(ids);
    }

    [Fact]
    public void IdTable_PrefetchChangesNothing_AndInternWithAGivenHashIsInternOfTheId()
    {
        var table = new IdTable();
        for (var i = 0; i < 10_000; i++)
        {
            var id = $"c{i % 2500}";
            table.Prefetch(id.GetHashCode());
            table.Intern(id, id.GetHashCode(), out var isNew).Should().Be(i % 2500);
            isNew.Should().Be(i < 2500);
        }

        table.Count.Should().Be(2500);
    }

    // ---- History round trip -------------------------------------------------------------------------------------------

    // More distinct strings than the store's cache of recent channels holds (8), several spellings of one channel each,
    // so the cache's entries are replaced while events of every channel interleave.
    private static readonly string?[] Channels = [null, "", "rtm", "RTM", "Slack", "msteams", "slack", "SLACK", "web", "Web", "sms", "whatsapp", "Rtm"];
    private static readonly string[] Labels = ["order", "refund", "vip"];

    private static Gen<InteractionEvent> EventGen =>
        from kind in Gen.Choose(0, 9)
        from user in Gen.Choose(-1, 6)
        from conversation in Gen.Choose(-1, 5)
        from second in Gen.Choose(0, 40)
        from tick in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 9_999)))
        from channel in Gen.Choose(0, Channels.Length - 1)
        from intent in Gen.Choose(0, 2)
        from fallback in Gen.Choose(0, 2)
        from error in Gen.Choose(0, 2)
        from goal in Gen.Choose(-2, Labels.Length - 1)
        from tag in Gen.Choose(-2, Labels.Length - 1)
        from id in Gen.Choose(-10, 30)
        select new InteractionEvent
        {
            BotId = Bot,
            Kind = (InteractionKind)kind,
            // User activity needs a user; other kinds may have none, or one never seen in user activity ("x...").
            UserId = user < 0 && kind > 3 ? null : (kind > 3 && user > 4 ? "x" : "u") + Math.Max(0, user),
            ConversationId = conversation < 0 ? null : "c-" + conversation,
            Timestamp = Origin.AddSeconds(second).AddTicks(tick),
            Channel = Channels[channel],
            IntentMatched = Tri(intent),
            Fallback = Tri(fallback),
            Error = Tri(error),
            Goal = goal < 0 ? null : Labels[goal],
            Tag = tag < 0 ? null : Labels[tag],
            EventId = id < 0 ? null : "e" + id,
            AccountId = id % 3 == 0 ? "acme" : null,
        };

    private static bool? Tri(int value) => value switch { 0 => null, 1 => false, _ => true };

    /// <summary>What the store should give back for an event: no id, the bot's account, a UTC instant, the normalised channel.</summary>
    private static InteractionEvent AsStored(InteractionEvent e) => e with
    {
        EventId = null,
        AccountId = "acme",
        Timestamp = new DateTimeOffset(e.Timestamp.UtcTicks, TimeSpan.Zero),
        Channel = e.NormalizedChannel,
    };

    /// <summary>The events a store keeps, in storage order: batch after batch, the first of each event id.</summary>
    private static List<InteractionEvent> StorageOrder(IEnumerable<InteractionEvent[]> batches)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        return [.. batches.SelectMany(b => b).Where(e => e.EventId is null || ids.Add(e.EventId)).Select(AsStored)];
    }

    [Fact]
    public void History_GivesBackEveryFieldAndFlag_InTimeOrderWithTiesInStorageOrder_ForAnyWindow()
    {
        var gen =
            from batches in EventGen.ArrayOf().ArrayOf()
            from chunkSize in Gen.Elements(16, 64, 1 << 16)
            from start in Gen.Choose(-1, 41)
            from length in Gen.Choose(0, 45)
            select (batches, chunkSize, start, length);

        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(300),
            Prop.ForAll(gen.ToArbitrary(), c =>
            {
                var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = c.chunkSize });
                store.AppendAsync([new InteractionEvent { BotId = Bot, Kind = InteractionKind.TagHit, Timestamp = Origin.AddDays(-1), AccountId = "acme" }]).AsTask().GetAwaiter().GetResult();
                foreach (var batch in c.batches)
                {
                    store.AppendAsync(batch).AsTask().GetAwaiter().GetResult();
                }

                var stored = StorageOrder(c.batches.Prepend([new InteractionEvent { BotId = Bot, Kind = InteractionKind.TagHit, Timestamp = Origin.AddDays(-1), AccountId = "acme" }]));
                var from = Origin.AddSeconds(c.start).UtcTicks;
                var to = Origin.AddSeconds(c.start + c.length).UtcTicks;

                // The core's reference: the window's events plus the whole of every conversation it touches, stably sorted.
                var expected = EventHistoryWindow.Select(stored, from, to);
                var actual = store.ReadEventsAsync(Bot, from, to).AsTask().GetAwaiter().GetResult();
                actual.Should().Equal(expected, $"chunks of {c.chunkSize}, window {c.start}+{c.length} s");
                store.ReadEventsAsync(Bot, long.MinValue, long.MaxValue).AsTask().GetAwaiter().GetResult()
                    .Should().Equal(stored.OrderBy(e => e.Timestamp.UtcTicks));
            }));
    }

    [Fact]
    public async Task History_TiesBetweenUserActivityAndOtherEvents_KeepStorageOrder_AcrossLateMerges()
    {
        var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 });
        const string t = "2025-03-01T10:00:00Z";
        InteractionEvent Other(InteractionKind kind, string id) => new() { BotId = Bot, Kind = kind, ConversationId = "c1", Timestamp = Parse(t), EventId = id };

        await store.AppendAsync([Event("a", t, conversation: "c1", eventId: "1"), Other(InteractionKind.TagHit, "2"), Event("b", t, conversation: "c1", eventId: "3")]);
        await store.AppendAsync([Other(InteractionKind.HandoverRequested, "4"), Event("c", t, conversation: "c1", eventId: "5")]);
        await store.AppendAsync([Event("z", "2025-03-01T11:00:00Z", eventId: "6")]);

        // Late: earlier and equal timestamps after a later event was stored, so the chunks are rewritten.
        await store.AppendAsync([Event("d", t, conversation: "c1", eventId: "7"), Other(InteractionKind.AgentJoined, "8"), Event("e", "2025-03-01T09:00:00Z", eventId: "9"), Other(InteractionKind.ConversationClosed, "10")]);

        var events = await store.ReadEventsAsync(Bot, long.MinValue, long.MaxValue);
        events.Select(e => e.UserId ?? e.Kind.ToWireName()).Should().Equal(
            "e", "a", "tag_hit", "b", "handover_requested", "c", "d", "agent_joined", "conversation_closed", "z");
        events.Should().OnlyContain(e => e.EventId == null);
    }

    [Fact]
    public async Task History_LongAndNonAsciiIds_AndLogsOfManyBlocks_RoundTrip()
    {
        var store = new InMemoryInteractionStore();
        var random = new Random(5);
        string[] conversations = [new string('c', 1020), "會話-ü-1", "\U0001F600-smile", "c-plain"];
        string[] users = [new string('ü', 1000), "用户-1", "u-plain", "x-\U0001F680"];
        var events = Enumerable.Range(0, 30_000).Select(i => new InteractionEvent
        {
            BotId = Bot,
            AccountId = "acme",
            Kind = i % 5 == 0 ? InteractionKind.MessageIn : (InteractionKind)(4 + (i % 6)),
            UserId = users[random.Next(users.Length)],
            ConversationId = random.Next(6) == 0 ? null : conversations[random.Next(conversations.Length)] + (i % 97),
            Timestamp = Origin.AddMilliseconds(random.Next(3_600_000)).AddTicks(random.Next(3)),
            Channel = "Kanal-Ä",
            Goal = i % 7 == 0 ? "ziel-ß" : null,
            Error = i % 3 == 0 ? false : null,
        }).ToList();
        foreach (var batch in events.Chunk(7_000))
        {
            await store.AppendAsync(batch);
        }

        var stored = StorageOrder([events.ToArray()]);
        var from = Origin.AddMinutes(20).UtcTicks;
        var to = Origin.AddMinutes(21).UtcTicks;
        (await store.ReadEventsAsync(Bot, from, to)).Should().Equal(EventHistoryWindow.Select(stored, from, to));
        (await store.ReadEventsAsync(Bot, long.MinValue, long.MaxValue)).Should().Equal(stored.OrderBy(e => e.Timestamp.UtcTicks));
    }

    // ---- Idempotency ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task EventIds_AreRememberedAcrossLateMerges_AndForgottenByATransactionThatIsNotCommitted()
    {
        var store = new InMemoryInteractionStore(new InMemoryStoreOptions { ChunkSize = 16 });
        var first = Enumerable.Range(0, 500).Select(i => Event("u" + (i % 20), Origin.AddMinutes(500 + i).ToString("O"), conversation: "c" + (i / 6), eventId: "e" + i)).ToList();
        var late = Enumerable.Range(0, 500).Select(i => Event("u" + (i % 20), Origin.AddMinutes(i).ToString("O"), eventId: "late" + i)).ToList();
        (await store.AppendAsync(first)).Stored.Should().Be(500);
        (await store.AppendAsync(late.AsEnumerable().Reverse().ToList())).Stored.Should().Be(500);

        var again = await store.AppendAsync([.. first, .. late]);
        again.Stored.Should().Be(0);
        again.Duplicates.Should().Be(1000);

        // Written but never committed: nothing is remembered, so the same ids are stored afterwards.
        var fresh = Enumerable.Range(0, 300).Select(i => Event("v", Origin.AddMinutes(i).ToString("O"), eventId: "new" + i)).ToList();
        await using (var transaction = await store.BeginAppendAsync())
        {
            await transaction.LockBotAsync(Bot);
            (await transaction.WriteAsync(Bot, InteractionEvent.DefaultAccountId, fresh)).Should().Be(0);
        }

        (await store.AppendAsync(fresh)).Stored.Should().Be(300);
        (await store.AppendAsync(fresh)).Duplicates.Should().Be(300);
        (await store.ReadEventsAsync(Bot, long.MinValue, long.MaxValue)).Should().HaveCount(1300);
    }

    // ---- Snapshots --------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Snapshot_IsIsolatedFromColumnsThatWidenFactPagesThatAreCopiedAndChunksThatAreMerged()
    {
        var store = new InMemoryInteractionStore();

        // Conversation 0 and two activity events on channel 0 and in conversation 0, all in one chunk.
        await store.AppendAsync([Event("a", "2025-03-01T10:00:00Z", conversation: "c0", kind: InteractionKind.MessageOut, channel: "rtm"), Event("b", "2025-03-01T10:01:00Z", kind: InteractionKind.MessageOut, channel: "rtm")]);
        await using var snapshot = await store.OpenSnapshotAsync(Bot);
        var before = await ColumnsAsync(snapshot!);

        // 70,000 more conversations and 300 more channels, then activity in the same chunk that fits neither narrow
        // column; conversation 0 becomes interactive and closed (its fact page was published); a late event merges.
        var closes = Enumerable.Range(1, 70_000).Select(i => Closed("c" + i, "2025-03-01T10:02:00Z")).ToList();
        await store.AppendAsync(closes);
        await store.AppendAsync(
        [
            .. Enumerable.Range(0, 300).Select(i => Event("ch" + i, "2025-03-01T10:03:00Z", kind: InteractionKind.MessageOut, channel: "channel-" + i)),
            Event("c", "2025-03-01T10:04:00Z", conversation: "c69999", channel: "channel-299"),
            Event("a", "2025-03-01T10:05:00Z", conversation: "c0"),
            Closed("c0", "2025-03-01T10:06:00Z"),
            Event("early", "2025-03-01T09:00:00Z", conversation: "c5", channel: "channel-1"),
        ]);

        (await ColumnsAsync(snapshot!)).Should().BeEquivalentTo(before, o => o.WithStrictOrdering());
        var facts = new ConversationFacts[1];
        await snapshot!.CopyConversationFactsAsync(facts);
        facts[0].Should().Be(ConversationFacts.None);

        await using var fresh = await store.OpenSnapshotAsync(Bot);
        var now = await ColumnsAsync(fresh!);
        now.Should().HaveCount(305);
        now[0].Should().Be((Parse("2025-03-01T09:00:00Z").UtcTicks, fresh!.Channels.ToList().IndexOf("channel-1"), 5));
        now.Should().Contain((Parse("2025-03-01T10:04:00Z").UtcTicks, fresh.Channels.ToList().IndexOf("channel-299"), 69_999));
        var allFacts = new ConversationFacts[fresh.ConversationCount];
        await fresh.CopyConversationFactsAsync(allFacts);
        allFacts[0].Should().Be(ConversationFacts.Interactive | ConversationFacts.Closed);
        allFacts[1].Should().Be(ConversationFacts.Closed);

        // And the engine's filters read the widened columns the same way.
        var trend = await new EngagementEngine(store).GetTrendAsync(Query("2025-03-01", "2025-03-01") with { Channels = ["CHANNEL-299", "channel-1"], ConversationStatus = Trends.ConversationStatusFilter.Closed });

    }

    private static async Task<List<(long Ticks, int Channel, int Conversation)>> ColumnsAsync(IActivitySnapshot snapshot)
    {
        var rows = new List<(long, int, int)>();
        await foreach (var batch in snapshot.ScanAsync(long.MinValue, long.MaxValue))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                rows.Add((batch.UtcTicks.Span[i], batch.Channels.Span[i], batch.Conversations.Span[i]));
            }
        }

        return rows;
    }
}
