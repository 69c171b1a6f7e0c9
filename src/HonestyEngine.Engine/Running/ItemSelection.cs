using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>Which items of a split a run uses: all of them in the full profile; in the quick profile a seeded
/// sample of at most <see cref="RunOptions.QuickItemLimit"/>, kept in the split's order so every method sees the same items.</summary>
internal static class ItemSelection
{
    public static IReadOnlyList<DatasetItem> Select(IReadOnlyList<DatasetItem> items, RunOptions options, string salt)
    {
        if (options.Profile != RunProfile.Quick || items.Count <= options.QuickItemLimit) return items;
        var rng = new Random(HashCode.Combine(options.Seed, StableHash.Of(salt)));
        var indices = Enumerable.Range(0, items.Count).ToArray();
        rng.Shuffle(indices);
        return indices.Take(options.QuickItemLimit).Order().Select(i => items[i]).ToList();
    }

    public static IReadOnlyList<DatasetItem> Split(ITestbed testbed, string split, RunOptions options) =>
        testbed.HasSplit(split) ? Select(testbed.GetSplit(split), options, $"{testbed.Info.Name}/{split}") : [];
}

/// <summary>A string hash that is the same in every process (string.GetHashCode is randomised per process).</summary>
internal static class StableHash
{
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
