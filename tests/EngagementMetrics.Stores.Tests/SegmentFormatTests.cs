extern alias sqlite;

using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FirstSeenPages = sqlite::EngagementMetrics.Storage.Relational.FirstSeenPages;
using Segment = sqlite::EngagementMetrics.Storage.Relational.ActivitySegment;

namespace EngagementMetrics.Stores.Tests;

/// <summary>
/// The blob formats of the SQL stores (the same code is compiled into both): format 2 of activity segments and
/// first-seen pages round-trips exactly, is smaller where timestamps share a step, and format 1 blobs written by earlier
/// versions still read.
/// </summary>
public sealed class SegmentFormatTests
{
    private static readonly long Origin = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Fact]
    public void A_core_blob_round_trips_every_tick_and_user()
    {
        Prop.ForAll(
            Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 5).SelectMany(Gap), n).Zip(Gen.ArrayOf(Gen.Choose(0, 70_000), n))).ToArbitrary(),
            pair =>
            {
                var (gaps, users) = pair;
                var ticks = new long[gaps.Length];
                var at = Origin;
                for (var i = 0; i < gaps.Length; i++)
                {
                    at += gaps[i];
                    ticks[i] = at;
                }

                var (decodedTicks, decodedUsers) = Decode(Segment.EncodeCore(ticks, users), ticks.Length);
                return decodedTicks.SequenceEqual(ticks) && decodedUsers.SequenceEqual(users);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Millisecond_timestamps_take_a_step_of_10000_ticks_and_fewer_bytes()
    {
        var ticks = Enumerable.Range(0, 1_000).Select(i => Origin + (i * 6_600L * TimeSpan.TicksPerMillisecond) + (i % 7 * TimeSpan.TicksPerMillisecond)).ToArray();
        var users = Enumerable.Range(0, 1_000).Select(i => i * 31 % 40_000).ToArray();

        var blob = Segment.EncodeCore(ticks, users);

        // Deltas of about 6.6 s are 4-byte varints in ticks and 2-byte varints in steps of a millisecond.
        blob.Length.Should().BeLessThan(2 + 3 + 3 + 8 + (999 * 2) + 1 + (1_000 * 2) + 1);
        var (decodedTicks, decodedUsers) = Decode(blob, 1_000);
        decodedTicks.Should().Equal(ticks);
        decodedUsers.Should().Equal(users);
    }

    [Fact]
    public void A_format_1_core_blob_still_reads()
    {
        // Count 3, first tick, deltas 1 and 300 ticks as varints (300 = 0xAC 0x02), users at width 1.
        var blob = new List<byte> { 3 };
        blob.AddRange(BitConverter.IsLittleEndian ? BitConverter.GetBytes(Origin) : BitConverter.GetBytes(Origin).Reverse());
        blob.AddRange([1, 0xAC, 0x02, 1, 7, 8, 9]);

        var (ticks, users) = Decode([.. blob], 3);

        ticks.Should().Equal(Origin, Origin + 1, Origin + 301);
        users.Should().Equal(7, 8, 9);
        Segment.CountOf([.. blob]).Should().Be(3);
        Segment.CountOf(Segment.EncodeCore(ticks, users)).Should().Be(3);
    }

    [Fact]
    public void An_empty_core_blob_of_either_format_holds_no_events()
    {
        Segment.DecodeCore(Segment.EncodeCore([], []), new long[1], new int[1]).Should().Be(0);
        Segment.DecodeCore(new byte[] { 0, 1 }, new long[1], new int[1]).Should().Be(0);
    }

    [Fact]
    public void A_core_blob_refuses_timestamps_out_of_order()
    {
        var act = () => Segment.EncodeCore([Origin + 5, Origin], [1, 2]);
        act.Should().Throw<ArgumentException>().WithMessage("*in order*");
    }

    [Fact]
    public void A_first_seen_page_round_trips_any_values_including_users_never_active()
    {
        var value = Gen.OneOf(
            Gen.Constant(long.MaxValue),
            Gen.Choose(-100_000, 100_000).Select(d => Origin + (d * TimeSpan.TicksPerSecond)),
            Gen.Choose(0, int.MaxValue).Select(d => (long)d * 1_000_003L),
            Gen.Constant(0L),
            Gen.Constant(DateTime.MaxValue.Ticks));
        Prop.ForAll(
            Gen.Choose(0, FirstSeenPages.PageSize).SelectMany(n => Gen.ArrayOf(value, n)).ToArbitrary(),
            values =>
            {
                var blob = FirstSeenPages.Encode(values);
                var decoded = new long[values.Length];
                return blob.Length <= values.Length * sizeof(long) && FirstSeenPages.TryDecode(blob, decoded) && decoded.SequenceEqual(values);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_first_seen_page_of_users_arriving_in_time_order_is_packed_to_about_3_bytes_a_user()
    {
        var values = Enumerable.Range(0, FirstSeenPages.PageSize).Select(i => i % 50 == 7 ? long.MaxValue : Origin + (i * 70_123L * TimeSpan.TicksPerMillisecond) - (i % 3 * 9_000 * TimeSpan.TicksPerMillisecond)).ToArray();

        var blob = FirstSeenPages.Encode(values);

        blob[0].Should().Be(FirstSeenPages.PackedTag);
        blob.Length.Should().BeLessThan(values.Length * 4);
        var decoded = new long[values.Length];
        FirstSeenPages.TryDecode(blob, decoded).Should().BeTrue();
        decoded.Should().Equal(values);
    }

    [Fact]
    public void A_raw_first_seen_page_written_before_packing_still_reads()
    {
        var values = new[] { Origin, long.MaxValue, Origin - 17 };
        var raw = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        }

        var decoded = new long[values.Length];
        FirstSeenPages.TryDecode(raw, decoded).Should().BeTrue();
        decoded.Should().Equal(values);
    }

    [Fact]
    public void A_first_seen_page_that_does_not_hold_its_users_is_refused()
    {
        var blob = FirstSeenPages.Encode(Enumerable.Range(0, 100).Select(i => Origin + i).ToArray());
        var decoded = new long[100];

        FirstSeenPages.TryDecode(blob.AsSpan(0, blob.Length - 1), decoded).Should().BeFalse("the last user is cut off");
        FirstSeenPages.TryDecode([.. blob, 1], decoded).Should().BeFalse("a byte follows the last user");
        FirstSeenPages.TryDecode(blob, new long[101]).Should().BeFalse("the page holds 100 users, not 101");
        FirstSeenPages.TryDecode([0x01, 0x02, 0x03], new long[2]).Should().BeFalse("not packed and not 8 bytes a user");
    }

    // Gaps of every varint length, in ticks, milliseconds and seconds.
    private static Gen<long> Gap(int kind) => kind switch
    {
        0 => Gen.Constant(0L),
        1 => Gen.Choose(0, 200).Select(v => (long)v),
        2 => Gen.Choose(0, int.MaxValue).Select(v => (long)v),
        3 => Gen.Choose(0, 600_000).Select(v => v * TimeSpan.TicksPerMillisecond),
        4 => Gen.Choose(0, 86_400).Select(v => v * TimeSpan.TicksPerSecond),
        _ => Gen.Choose(0, 1 << 20).Select(v => ((long)v << 18) + 3),
    };

    private static (long[] Ticks, int[] Users) Decode(byte[] blob, int count)
    {
        var ticks = new long[count];
        var users = new int[count];
        Segment.DecodeCore(blob, ticks, users).Should().Be(count);
        return (ticks, users);
    }
}
