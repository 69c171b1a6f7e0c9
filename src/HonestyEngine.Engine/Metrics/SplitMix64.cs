namespace HonestyEngine.Engine.Metrics;

/// <summary>SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny seeded generator whose stream is fixed by this code,
/// not by the .NET version, so bootstrap CIs in results.json reproduce bit-for-bit on any machine and after
/// `honesty rescore`. (System.Random's seeded algorithm is an implementation detail of the runtime.)</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire 2019, multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        uint bound = (uint)n;
        ulong m = (ulong)(uint)(Next() >> 32) * bound;
        uint low = (uint)m;
        if (low < bound)
        {
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                m = (ulong)(uint)(Next() >> 32) * bound;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>A generator for one metric of one cell: the same seed gives every metric its own stream, so adding
    /// a metric never shifts the CIs of the others.</summary>
    public static SplitMix64 ForMetric(int seed, string metric)
    {
        ulong h = 14695981039346656037UL; // FNV-1a of the metric name, mixed with the seed
        foreach (char c in metric) h = (h ^ c) * 1099511628211UL;
        return new SplitMix64(h ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
    }
}
