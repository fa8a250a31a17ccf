using System.Text;

namespace EngagementMetrics.Events;

/// <summary>
/// Turns short UTF-8 values into strings, handing out the same instance for the same bytes while it stays in a small
/// direct-mapped cache: ids that repeat across events (bots, accounts, channels, users, conversations) are decoded and
/// allocated once instead of once per event. A value that maps to a taken slot replaces it. Not thread-safe.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int MaxCachedLength = 128;
    private readonly byte[]?[] _keys;
    private readonly string?[] _values;
    private readonly int _mask;

    public Utf8StringCache(int slots = 1 << 14)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "The slot count must be a power of two.");
        }

        _keys = new byte[]?[slots];
        _values = new string?[slots];
        _mask = slots - 1;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & _mask;
        if (_keys[slot] is { } key && utf8.SequenceEqual(key))
        {
            return _values[slot]!;
        }

        var value = Encoding.UTF8.GetString(utf8);
        _keys[slot] = utf8.ToArray();
        _values[slot] = value;
        return value;
    }
}
