extern alias sqlite;

using BotVersion = sqlite::EngagementMetrics.Storage.Relational.BotVersion;
using CachedDay = sqlite::EngagementMetrics.Storage.Relational.CachedDay;
using QueryCache = sqlite::EngagementMetrics.Storage.Relational.QueryCache;
using SegmentKey = sqlite::EngagementMetrics.Storage.Relational.SegmentKey;

namespace EngagementMetrics.Stores.Tests;

/// <summary>The SQL stores' query cache on its own (the same code is compiled into both stores).</summary>
public sealed class QueryCacheUnitTests
{
    private static readonly BotVersion V1 = new("acct", 10, 2, 5, 100, 7);
    private static readonly BotVersion V2 = V1 with { Events = 101, SegmentSeq = 8 };

    [Fact]
    public void A_directory_joins_ranges_that_touch_or_overlap_and_replaces_one_that_does_not()
    {
        var cache = new QueryCache(1 << 20);
        cache.SetDirectory("b", V1, 10, 19, Days(10, 12));
        cache.SetDirectory("b", V1, 20, 25, Days(21));
        cache.GetDirectory("b", V1, 10, 25)!.Keys.Should().BeEquivalentTo([10, 12, 21], "touching ranges join");
        cache.SetDirectory("b", V1, 24, 30, Days(30));
        cache.GetDirectory("b", V1, 10, 30)!.Keys.Should().BeEquivalentTo([10, 12, 21, 30], "overlapping ranges join");
        cache.GetDirectory("b", V1, 9, 30).Should().BeNull("day 9 was never listed");

        cache.SetDirectory("b", V1, 40, 45, Days(41));
        cache.GetDirectory("b", V1, 10, 30).Should().BeNull("a range apart replaces the kept one");
        cache.GetDirectory("b", V1, 40, 45)!.Keys.Should().BeEquivalentTo([41]);
        cache.GetDirectory("b", V2, 40, 45).Should().BeNull("another version of the bot sees nothing");
    }

    [Fact]
    public void What_an_older_version_reads_after_a_newer_one_is_not_kept()
    {
        var cache = new QueryCache(1 << 20);
        cache.SetFirstSeen("b", V2, new long[10]);
        cache.SetFirstSeen("b", V1, new long[9]);
        cache.SetChannels("b", V1, ["rtm"]);
        cache.GetFirstSeen("b", V2).Should().HaveCount(10);
        cache.GetFirstSeen("b", V1).Should().BeNull();
        cache.GetChannels("b", V1).Should().BeNull();
        cache.Bytes.Should().Be(cache.CountedBytes);
    }

    [Fact]
    public void First_seen_values_larger_than_half_the_capacity_are_not_kept_and_evict_nothing()
    {
        var cache = new QueryCache(100_000);
        cache.AddDay("a", 1, Day(1_000, seed: 1));
        cache.SetFirstSeen("big", V1, new long[7_000]);
        cache.GetFirstSeen("big", V1).Should().BeNull();
        cache.GetDay("a", 1, Day(1_000, seed: 1).Segments, dims: false).Should().NotBeNull();
    }

    [Fact]
    public void A_day_kept_from_other_segments_or_without_the_columns_asked_for_is_not_returned()
    {
        var cache = new QueryCache(1 << 20);
        var day = Day(100, seed: 3);
        cache.AddDay("a", 5, day);
        cache.GetDay("a", 5, day.Segments, dims: false).Should().BeSameAs(day);
        cache.GetDay("a", 5, day.Segments, dims: true).Should().BeNull("it was decoded without channels and conversations");
        cache.GetDay("a", 5, [day.Segments[0] with { EventCount = 101 }], dims: false).Should().BeNull();
        cache.GetDay("a", 6, day.Segments, dims: false).Should().BeNull();
        cache.GetDay("b", 5, day.Segments, dims: false).Should().BeNull();

        // Too large to keep: the copy kept for that day goes too.
        var small = new QueryCache(4_000);
        small.AddDay("a", 5, Day(100, seed: 3));
        small.AddDay("a", 5, Day(1_000, seed: 4));
        small.GetDay("a", 5, Day(100, seed: 3).Segments, dims: false).Should().BeNull();
        small.Bytes.Should().Be(0);
    }

    [Fact]
    public void Counted_bytes_stay_exact_and_within_the_capacity_through_random_use()
    {
        var random = new Random(42);
        var cache = new QueryCache(200_000);
        var versions = new Dictionary<string, BotVersion>();
        for (var step = 0; step < 5_000; step++)
        {
            var bot = "bot-" + random.Next(6);
            var version = versions.TryGetValue(bot, out var v) ? v : V1;
            switch (random.Next(7))
            {
                case 0:
                    cache.AddDay(bot, random.Next(60), Day(random.Next(1, 3_000), random.Next(1_000), dims: random.Next(2) == 0));
                    break;
                case 1:
                    cache.SetFirstSeen(bot, version, new long[random.Next(1, 3_000)]);
                    break;
                case 2:
                    cache.SetDirectory(bot, version, random.Next(30), 30 + random.Next(30), Days(Enumerable.Range(0, random.Next(20)).Select(_ => random.Next(60)).Distinct().ToArray()));
                    break;
                case 3:
                    cache.SetChannels(bot, version, [.. Enumerable.Range(0, random.Next(1, 8)).Select(i => "channel-" + i)]);
                    break;
                case 5 when random.Next(2) == 0:
                    cache.SetConversationFacts(bot, version, new EngagementMetrics.Storage.ConversationFacts[random.Next(1, 5_000)]);
                    break;
                case 4:
                    versions[bot] = version with { SegmentSeq = version.SegmentSeq + 1 };
                    break;
                default:
                    _ = cache.GetConversationFacts(bot, version);
                    _ = cache.GetFirstSeen(bot, version);
                    _ = cache.GetDirectory(bot, version, 0, 59);
                    break;
            }

            cache.Bytes.Should().Be(cache.CountedBytes).And.BeLessThanOrEqualTo(200_000);
        }
    }

    private static Dictionary<int, SegmentKey[]> Days(params int[] days) =>
        days.ToDictionary(day => day, day => new[] { new SegmentKey(day, 1, day, day) });

    private static CachedDay Day(int events, int seed, bool dims = false) =>
        new([new SegmentKey(seed, events, 0, events)], new long[events], new int[events], dims ? new int[events] : null, dims ? new int[events] : null);
}
