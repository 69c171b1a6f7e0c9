namespace HonestyEngine.Compute.Common;

/// <summary>Keeps the k largest (value, index) pairs seen, in a min-heap over caller-owned storage so
/// that scanning a 150k-row vocabulary allocates nothing. Ties prefer the lower index.</summary>
internal ref struct TopKHeap
{
    private readonly Span<float> _values;
    private readonly Span<int> _indices;
    private int _count;

    public TopKHeap(Span<float> values, Span<int> indices)
    {
        _values = values; _indices = indices; _count = 0;
    }

    public int Count => _count;

    /// <summary>Resumes a heap whose first <paramref name="count"/> slots were filled by an earlier instance.</summary>
    public void Restore(int count) => _count = count;

    /// <summary>True if (a, ia) ranks below (b, ib): smaller value, or equal value and larger index.</summary>
    private static bool Worse(float a, int ia, float b, int ib) => a < b || (a == b && ia > ib);

    public void Offer(float value, int index)
    {
        if (_count < _values.Length)
        {
            int c = _count++;
            _values[c] = value; _indices[c] = index;
            while (c > 0)
            {
                int parent = (c - 1) / 2;
                if (!Worse(_values[c], _indices[c], _values[parent], _indices[parent])) break;
                Swap(c, parent); c = parent;
            }
            return;
        }
        if (!Worse(_values[0], _indices[0], value, index)) return;
        _values[0] = value; _indices[0] = index;
        SiftDown(0, _count);
    }

    private void SiftDown(int i, int count)
    {
        while (true)
        {
            int l = 2 * i + 1, r = l + 1, w = i;
            if (l < count && Worse(_values[l], _indices[l], _values[w], _indices[w])) w = l;
            if (r < count && Worse(_values[r], _indices[r], _values[w], _indices[w])) w = r;
            if (w == i) return;
            Swap(i, w); i = w;
        }
    }

    private void Swap(int a, int b)
    {
        (_values[a], _values[b]) = (_values[b], _values[a]);
        (_indices[a], _indices[b]) = (_indices[b], _indices[a]);
    }

    /// <summary>Sorts the kept pairs best first in place (heap sort) and returns how many there are.</summary>
    public int SortDescending()
    {
        for (int end = _count - 1; end > 0; end--)
        {
            Swap(0, end);
            SiftDown(0, end);
        }
        return _count;
    }
}
