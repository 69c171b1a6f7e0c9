using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>Which items of a split a run uses: all of them in the full profile; in the quick profile a seeded
/// sample of at most <see cref="RunOptions.QuickItemLimit"/>, kept in the split's order so every method sees the same items.</summary>
internal static class ItemSelection
{
    public static IReadOnlyList<DatasetItem> Select(IReadOnlyList<DatasetItem> items, RunOptions options, string salt)
    {
        if (options.Profile != RunProfile.Quick || items.Count <= options.QuickItemLimit) return items;
        // Not HashCode.Combine: it is randomised per process, which made quick-profile item choices (and so every
        // quick cell's cache key) differ between runs.
        var rng = new Random(StableHash.Mix(options.Seed, StableHash.Of(salt)));
        var indices = Enumerable.Range(0, items.Count).ToArray();
        rng.Shuffle(indices);
        return indices.Take(options.QuickItemLimit).Order().Select(i => items[i]).ToList();
    }

    public static IReadOnlyList<DatasetItem> Split(ITestbed testbed, string split, RunOptions options) =>
        testbed.HasSplit(split) ? Select(testbed.GetSplit(split), options, $"{testbed.Info.Name}/{split}") : [];
}

/// <summary>A string hash that is the same in every process (string.GetHashCode is randomised per process).</summary>
public static class StableHash
{
    /// <summary>Mixes two ints into a seed, identically in every process (SplitMix64 finaliser).</summary>
    public static int Mix(int a, int b)
    {
        unchecked
        {
            ulong h = (ulong)(uint)a * 0x9E3779B97F4A7C15UL;
            h ^= (uint)b;
            h ^= h >> 30; h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 27; h *= 0x94D049BB133111EBUL;
            h ^= h >> 31;
            return (int)h;
        }
    }

    public static int Of(string s)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (char c in s) { h ^= c; h *= 16777619; }
            return (int)h;
        }
    }
}
