namespace HonestyEngine.Testbeds.World;

/// <summary>SplitMix64: a tiny PRNG we own, so a seed gives the same world on every .NET version
/// (System.Random's seeded sequence is an implementation detail we do not want to depend on).</summary>
public sealed class WorldRng(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for a named sub-stream: each stage draws from its own stream, so adding
    /// items to one dataset does not shift every other dataset.</summary>
    public static WorldRng For(int seed, string stream)
    {
        ulong h = 14695981039346656037UL; // FNV-1a of the stream name, mixed with the seed
        foreach (char c in stream) { h ^= c; h *= 1099511628211UL; }
        return new WorldRng(h ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "n must be positive.");
        return (int)(NextUInt64() % (ulong)n);
    }

    /// <summary>Uniform integer in [lo, hi] inclusive.</summary>
    public int Range(int lo, int hi) => lo + Next(hi - lo + 1);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>An item of <paramref name="items"/> different from <paramref name="except"/>.</summary>
    public T PickOther<T>(IReadOnlyList<T> items, T except)
    {
        if (items.Count < 2) throw new InvalidOperationException("Need at least two items to pick a different one.");
        while (true) { var x = Pick(items); if (!EqualityComparer<T>.Default.Equals(x, except)) return x; }
    }

    public List<T> Shuffle<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        for (int i = list.Count - 1; i > 0; i--) { int j = Next(i + 1); (list[i], list[j]) = (list[j], list[i]); }
        return list;
    }

    /// <summary><paramref name="k"/> distinct items, in random order.</summary>
    public List<T> Sample<T>(IReadOnlyList<T> items, int k)
    {
        if (k > items.Count) throw new ArgumentException($"Cannot sample {k} distinct items from {items.Count}.");
        return Shuffle(items).Take(k).ToList();
    }
}
