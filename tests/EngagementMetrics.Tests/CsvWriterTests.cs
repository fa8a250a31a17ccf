using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EngagementMetrics.Json;
using EngagementMetrics.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace EngagementMetrics.Tests;

/// <summary><see cref="Utf8CsvWriter"/>, <see cref="CsvColumns{TRow}"/> and <see cref="CsvTable"/>: RFC 4180 as written.</summary>
public class CsvWriterTests
{
    private static string Write(Action<Utf8CsvWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new Utf8CsvWriter(buffer));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Row(params string?[] fields) => Write(w =>
    {
        foreach (var field in fields)
        {
            w.WriteString(field);
        }

        w.EndRow();
    });

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("\"", "\"\"\"\"")]
    [InlineData("\"\"", "\"\"\"\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("carriage\rreturn", "\"carriage\rreturn\"")]
    [InlineData("crlf\r\n", "\"crlf\r\n\"")]
    [InlineData(" spaced ", " spaced ")]
    [InlineData("semi;colon\ttab", "semi;colon\ttab")]
    [InlineData("Zoë 用户 😀", "Zoë 用户 😀")]
    [InlineData("'single'", "'single'")]
    public void A_field_is_quoted_exactly_when_it_holds_a_comma_quote_CR_or_LF(string value, string written)
    {
        Row(value, "x").Should().Be(written + ",x\r\n");
    }

    [Fact]
    public void Null_and_empty_are_empty_fields_and_a_row_of_one_empty_field_is_not_a_blank_line()
    {
        Row("a", null, "", "b").Should().Be("a,,,b\r\n");
        Row(null, null).Should().Be(",\r\n");
        Row((string?)null).Should().Be("\"\"\r\n");
        Row("").Should().Be("\"\"\r\n");
        Write(w =>
        {
            w.WriteNull();
            w.EndRow();
            w.WriteNumber(1);
            w.EndRow();
        }).Should().Be("\"\"\r\n1\r\n");
    }

    [Fact]
    public void A_row_without_fields_is_refused()
    {
        var act = () => Write(w => w.EndRow());
        act.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [InlineData(0L, "0")]
    [InlineData(-12L, "-12")]
    [InlineData(long.MaxValue, "9223372036854775807")]
    [InlineData(long.MinValue, "-9223372036854775808")]
    public void Whole_numbers_are_invariant(long value, string written)
    {
        Write(w =>
        {
            w.WriteNumber(value);
            w.EndRow();
        }).Should().Be(written + "\r\n");
    }

    public static TheoryData<decimal, string> Decimals => new()
    {
        { 0.4m, "0.4" },
        { 2.68m, "2.68" },
        { 600m, "600" },
        { 1.10m, "1.10" },
        { -0.5m, "-0.5" },
        { 0.0000000000000000000000000001m, "0.0000000000000000000000000001" },
        { 1e28m, "10000000000000000000000000000" },
        { decimal.MaxValue, "79228162514264337593543950335" },
        { decimal.MinValue, "-79228162514264337593543950335" },
        { -7.9228162514264337593543950335m, "-7.9228162514264337593543950335" },
    };

    [Theory]
    [MemberData(nameof(Decimals))]
    public void Decimals_have_a_point_never_an_exponent_and_the_digits_JSON_writes(decimal value, string written)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Write(w =>
            {
                w.WriteNumber(value);
                w.EndRow();
            }).Should().Be(written + "\r\n");
            JsonSerializer.Serialize(value).Should().Be(written, "a CSV number is the JSON document's number");
            CsvValue.FromDecimal(value).ToString().Should().Be(written);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Output_is_UTF8_without_a_byte_order_mark_and_a_lone_surrogate_becomes_the_replacement_character()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new Utf8CsvWriter(buffer);
        writer.WriteString("é");
        writer.WriteString("a\uD800b");
        writer.WriteString("\uDE00");
        writer.EndRow();
        buffer.WrittenSpan.ToArray().Should().Equal([0xC3, 0xA9, (byte)',', (byte)'a', 0xEF, 0xBF, 0xBD, (byte)'b', (byte)',', 0xEF, 0xBF, 0xBD, (byte)'\r', (byte)'\n']);
    }

    [Fact]
    public void Long_text_is_written_whole_across_buffer_segments()
    {
        // 30,000 characters with quotes and surrogate pairs around the writer's 8K-character pieces.
        string[] parts = ["a", "bc", "é", "😀", "xyz", "\"", ",", "\r\n", "用户"];
        var text = string.Concat(Enumerable.Range(0, 12_000).Select(i => parts[i * 7 % parts.Length]));
        var buffer = new ArrayBufferWriter<byte>(16);
        var writer = new Utf8CsvWriter(buffer);
        writer.WriteString(text);
        writer.WriteNumber(7);
        writer.EndRow();
        var read = Rfc4180.Parse(buffer.WrittenSpan).Single();
        read.Should().HaveCount(2);
        (read[0] == text).Should().BeTrue("the text reads back whole");
        read[1].Should().Be("7");
    }

    // Text made of the characters that matter to CSV, and some that matter to UTF-8.
    private static readonly Gen<string> Text =
        Gen.Elements(",", "\"", "\r", "\n", "\r\n", " ", "a", "Z", "0", ";", "\t", "é", "用", "😀", "'", "\"\"")
            .ArrayOf()
            .Select(parts => string.Concat(parts));

    private static readonly Gen<string?> Field = Gen.OneOf(Gen.Constant<string?>(null), Text.Select(t => (string?)t), Text.Select(t => (string?)t));

    private static readonly Gen<string?[][]> Rows =
        from width in Gen.Choose(1, 6)
        from rows in Field.ArrayOf(width).NonEmptyListOf()
        select rows.ToArray();

    [Fact]
    public void Property_a_strict_RFC4180_reader_reads_back_every_field_as_written()
    {
        Prop.ForAll(Rows.ToArbitrary(), rows =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new Utf8CsvWriter(buffer);
            foreach (var row in rows)
            {
                foreach (var field in row)
                {
                    writer.WriteString(field);
                }

                writer.EndRow();
            }

            var read = Rfc4180.Parse(buffer.WrittenSpan);
            return read.Count == rows.Length && read.Zip(rows).All(p => p.First.SequenceEqual(p.Second.Select(f => f ?? string.Empty)));
        }).QuickCheckThrowOnFailure();
    }

    private static readonly Gen<CsvValue> Cell = Gen.OneOf(
        Text.Select(CsvValue.FromText),
        ArbMap.Default.GeneratorFor<long>().Select(CsvValue.FromInt64),
        from lo in ArbMap.Default.GeneratorFor<int>()
        from mid in Gen.Elements(0, 0, 1, int.MaxValue, -1)
        from hi in Gen.Elements(0, 0, 7, -1)
        from negative in Gen.Elements(true, false)
        from scale in Gen.Choose(0, 28)
        select CsvValue.FromDecimal(new decimal(lo, mid, hi, negative, (byte)scale)),
        Gen.Constant(CsvValue.Null));

    [Fact]
    public void Property_cells_of_every_kind_read_back_as_their_text_and_numbers_as_their_values()
    {
        Prop.ForAll(Cell.ArrayOf().Where(a => a.Length > 0).ToArbitrary(), cells =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new Utf8CsvWriter(buffer);
            foreach (var cell in cells)
            {
                cell.WriteTo(writer);
            }

            writer.EndRow();
            var read = Rfc4180.Parse(buffer.WrittenSpan).Single();
            return read.Count == cells.Length && cells.Zip(read).All(p => p.First.Kind switch
            {
                CsvValueKind.Null => p.Second.Length == 0,
                CsvValueKind.Text => p.Second == p.First.ToString(),
                _ => p.Second == p.First.ToString() && decimal.Parse(p.Second, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) == decimal.Parse(p.First.ToString(), CultureInfo.InvariantCulture)
                    && !p.Second.Contains('E', StringComparison.OrdinalIgnoreCase),
            });
        }).QuickCheckThrowOnFailure();
    }

    private sealed record Cohort(string Label, int Users, int[] Retained, decimal?[] Percent);

    private static readonly CsvColumns<Cohort> CohortColumns = new CsvColumns<Cohort>()
        .Add("cohort", static c => c.Label)
        .Add("users", static c => c.Users)
        .AddArray("retained", static c => c.Retained.Length, static (c, i) => c.Retained[i])
        .AddArray("percent", static c => c.Percent.Length, static (c, i) => c.Percent[i]);

    [Fact]
    public void An_array_field_becomes_one_column_per_index_as_many_as_the_longest_array()
    {
        Cohort[] cohorts =
        [
            new("2025-12-01", 4, [4, 2, 1], [100m, 50m, 25m]),
            new("2025-12-02", 0, [0, 0], [null, null]),
            new("2025-12-03", 3, [3], [100m]),
        ];

        var table = CohortColumns.ToTable(cohorts);

        table.Header.Should().Equal("cohort", "users", "retained[0]", "retained[1]", "retained[2]", "percent[0]", "percent[1]", "percent[2]");
        table.ToCsv().Should().Be(
            "cohort,users,retained[0],retained[1],retained[2],percent[0],percent[1],percent[2]\r\n" +
            "2025-12-01,4,4,2,1,100,50,25\r\n" +
            "2025-12-02,0,0,0,,,,\r\n" +
            "2025-12-03,3,3,,,100,,\r\n");
        table[1, 5].IsNull.Should().BeTrue("percent[0] of an empty cohort is null");
        table[2, 3].IsNull.Should().BeTrue("past the end of a shorter array");
        CohortColumns.ToTable([]).Header.Should().Equal("cohort", "users");
    }

    [Fact]
    public void A_table_is_read_cell_by_cell_and_refuses_cells_outside_it()
    {
        var table = CohortColumns.ToTable([new Cohort("w", 1, [1], [100m])]);
        (table.RowCount, table[0, 0], table[0, 1], table[0, 3]).Should().Be((1, (CsvValue)"w", (CsvValue)1L, (CsvValue)100m));
        table[0, 1].IsNumber.Should().BeTrue();
        table[0, 0].IsNumber.Should().BeFalse();
        ((Func<CsvValue>)(() => table[1, 0])).Should().Throw<ArgumentOutOfRangeException>();
        ((Func<CsvValue>)(() => table[0, 4])).Should().Throw<ArgumentOutOfRangeException>();
        ((Func<CsvTable>)(() => new CsvColumns<Cohort>().ToTable([]))).Should().Throw<InvalidOperationException>();
        ((Func<CsvTable>)(() => new CsvColumns<Cohort>().AddArray("retained", static c => c.Retained.Length, static (c, i) => c.Retained[i]).ToTable([]))).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task Writing_to_a_stream_in_pieces_gives_the_same_bytes()
    {
        var cohorts = Enumerable.Range(0, 5000).Select(i => new Cohort($"c,{i}", i, [.. Enumerable.Range(0, i % 5)], [i % 3 == 0 ? null : i / 7m])).ToList();
        var table = CohortColumns.ToTable(cohorts);
        var buffer = new ArrayBufferWriter<byte>();
        table.WriteTo(buffer);
        using var stream = new MemoryStream();

        await table.WriteToAsync(stream);

        buffer.WrittenCount.Should().BeGreaterThan(64 * 1024, "several pieces");
        stream.ToArray().Should().Equal(buffer.WrittenSpan.ToArray());
        Rfc4180.Parse(stream.ToArray()).Should().HaveCount(5001);
    }
}
