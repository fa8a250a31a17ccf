using System.Text;

namespace EngagementMetrics.Events;

/// <summary>
/// Turns short UTF-8 values into strings, handing out the same instance for the same bytes while it stays in a
/// direct-mapped cache: ids that repeat across events (bots, accounts, channels, users, conversations) are decoded and
/// allocated once instead of once per event. A value that maps to a taken slot replaces it. Not thread-safe.
/// </summary>
/// <remarks>
/// <para>A slot holds the string and its hash only; a hit compares the bytes with the string's characters (one
/// vectorised comparison for ASCII), so a miss allocates the string and nothing else.</para>
/// <para>The cache starts small and doubles, up to <c>maxSlots</c>, whenever it has missed more often than it has slots
/// since it last grew: a log with 50,000 users and conversations in progress keeps its users cached, while a reader of
/// a small HTTP body never pays for a large table.</para>
/// </remarks>
internal sealed class Utf8StringCache
{
    private const int MaxCachedLength = 128;
    private readonly int _maxSlots;
    private string?[] _values;
    private int[] _hashes;
    private int _mask;
    private int _misses;

    public Utf8StringCache(int initialSlots = 1 << 10, int maxSlots = 1 << 17)
    {
        if (initialSlots <= 0 || (initialSlots & (initialSlots - 1)) != 0 || maxSlots < initialSlots || (maxSlots & (maxSlots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initialSlots), initialSlots, "The slot counts must be powers of two.");
        }

        _maxSlots = maxSlots;
        _values = new string?[initialSlots];
        _hashes = new int[initialSlots];
        _mask = initialSlots - 1;
    }

    /// <summary>Slots in use now (for tests).</summary>
    internal int Slots => _values.Length;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        var code = hash.ToHashCode();
        var slot = code & _mask;
        if (_values[slot] is { } cached && _hashes[slot] == code && SameText(utf8, cached))
        {
            return cached;
        }

        var value = Encoding.UTF8.GetString(utf8);
        if (++_misses > _values.Length && _values.Length < _maxSlots)
        {
            Grow();
            slot = code & _mask;
        }

        _values[slot] = value;
        _hashes[slot] = code;
        return value;
    }

    private static bool SameText(ReadOnlySpan<byte> utf8, string value)
    {
        if (utf8.Length == value.Length && System.Text.Ascii.Equals(utf8, value))
        {
            return true;
        }

        if (System.Text.Ascii.IsValid(utf8))
        {
            return false;
        }

        // Not ASCII: compare as UTF-16 (at most 128 bytes decode to at most 128 characters).
        Span<char> chars = stackalloc char[MaxCachedLength];
        return Encoding.UTF8.TryGetChars(utf8, chars, out var written) && chars[..written].SequenceEqual(value);
    }

    private void Grow()
    {
        var values = new string?[_values.Length * 2];
        var hashes = new int[values.Length];
        var mask = values.Length - 1;
        for (var i = 0; i < _values.Length; i++)
        {
            if (_values[i] is { } value)
            {
                var slot = _hashes[i] & mask;
                values[slot] = value;
                hashes[slot] = _hashes[i];
            }
        }

        _values = values;
        _hashes = hashes;
        _mask = mask;
        _misses = 0;
    }
}
