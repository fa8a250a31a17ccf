namespace EngagementMetrics.Events;

/// <summary>
/// A list that grows in segments of 8,192 elements, so a batch of 50,000 events never needs an array on the large
/// object heap (arrays over 85,000 bytes), which is only reclaimed by full collections and fragments when batch after
/// batch allocates blocks of varying size there. Append-only; read through <see cref="IReadOnlyList{T}"/>.
/// </summary>
internal sealed class SegmentedList<T> : IReadOnlyList<T>
{
    private const int Shift = 13;
    private const int SegmentSize = 1 << Shift;
    private readonly List<T[]> _segments = [];

    public int Count { get; private set; }

    public T this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, "Index out of range.");
            }

            return _segments[index >> Shift][index & (SegmentSize - 1)];
        }
    }

    public void Add(T item)
    {
        var offset = Count & (SegmentSize - 1);
        if (offset == 0)
        {
            _segments.Add(new T[SegmentSize]);
        }

        _segments[^1][offset] = item;
        Count++;
    }

    public void AddRange(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            Add(item);
        }
    }

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _segments[i >> Shift][i & (SegmentSize - 1)];
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
