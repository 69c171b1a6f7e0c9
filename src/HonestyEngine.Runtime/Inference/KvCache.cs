namespace HonestyEngine.Runtime.Inference;

/// <summary>Keys and values of one sequence for every layer ([positions, kv_heads * head_dim] per layer, post-RoPE),
/// grown by doubling. <see cref="Length"/> is the number of positions already processed.</summary>
public sealed class KvCache
{
    private readonly float[][] _keys, _values;
    private readonly int _width;
    private int _capacity;

    public int Length { get; private set; }
    public int Layers => _keys.Length;

    public KvCache(int layers, int kvWidth, int initialCapacity = 64)
    {
        _width = kvWidth;
        _capacity = Math.Max(1, initialCapacity);
        _keys = new float[layers][];
        _values = new float[layers][];
        for (int l = 0; l < layers; l++) { _keys[l] = new float[_capacity * kvWidth]; _values[l] = new float[_capacity * kvWidth]; }
    }

    /// <summary>Makes room for <paramref name="count"/> more positions.</summary>
    internal void Reserve(int count)
    {
        if (Length + count <= _capacity) return;
        int cap = _capacity;
        while (cap < Length + count) cap *= 2;
        for (int l = 0; l < _keys.Length; l++)
        {
            Array.Resize(ref _keys[l], cap * _width);
            Array.Resize(ref _values[l], cap * _width);
        }
        _capacity = cap;
    }

    internal Span<float> Keys(int layer) => _keys[layer];
    internal Span<float> Values(int layer) => _values[layer];
    internal float[] KeysArray(int layer) => _keys[layer];
    internal float[] ValuesArray(int layer) => _values[layer];

    /// <summary>An independent copy (to branch several continuations off one prefilled prompt).</summary>
    public KvCache Clone() => Clone(Length, 0);

    /// <summary>An independent copy of the first <paramref name="length"/> positions, with room for
    /// <paramref name="extra"/> more (a shared prompt prefix that several prompts continue from).</summary>
    public KvCache Clone(int length, int extra)
    {
        if ((uint)length > (uint)Length) throw new ArgumentOutOfRangeException(nameof(length), $"The cache holds {Length} positions, not {length}.");
        var copy = new KvCache(_keys.Length, _width, Math.Max(_capacity, length + Math.Max(0, extra)));
        for (int l = 0; l < _keys.Length; l++)
        {
            _keys[l].AsSpan(0, length * _width).CopyTo(copy._keys[l]);
            _values[l].AsSpan(0, length * _width).CopyTo(copy._values[l]);
        }
        copy.Length = length;
        return copy;
    }

    /// <summary>Called once all layers have written the new positions.</summary>
    internal void Advance(int count) => Length += count;
}
