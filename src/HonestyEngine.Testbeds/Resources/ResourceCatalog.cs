using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.World;

namespace HonestyEngine.Testbeds.Resources;

/// <summary><see cref="IResourceCatalog"/> over the generic datasets: loaded from testbeds/_resources/*.jsonl
/// (written by `honesty testbeds build`), or generated on demand from a seed (deterministic, a few ms).</summary>
public sealed class ResourceCatalog : IResourceCatalog
{
    private readonly Dictionary<string, Func<IReadOnlyList<DatasetItem>>> _sources;
    private readonly Dictionary<string, IReadOnlyList<DatasetItem>> _loaded = new();
    private readonly string _origin;

    private ResourceCatalog(Dictionary<string, Func<IReadOnlyList<DatasetItem>>> sources, string origin) { _sources = sources; _origin = origin; }

    public IReadOnlyList<string> Names => _sources.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
    public bool Contains(string name) => _sources.ContainsKey(name);

    public IReadOnlyList<DatasetItem> Get(string name)
    {
        if (!_sources.TryGetValue(name, out var source))
            throw new MethodInputException($"Resource '{name}' is not in the catalog ({_origin}); available: {string.Join(", ", Names)}.");
        lock (_loaded)
        {
            if (!_loaded.TryGetValue(name, out var items))
            {
                try { items = source(); }
                catch (Exception e) when (e is FormatException or IOException)
                {
                    throw new MethodInputException($"Resource '{name}' could not be read ({_origin}): {e.Message}", e);
                }
                _loaded[name] = items;
            }
            return items;
        }
    }

    /// <summary>The resources generated from a world (nothing read from disk).</summary>
    public static ResourceCatalog Generated(GeneratedWorld world)
    {
        var all = new Lazy<IReadOnlyDictionary<string, IReadOnlyList<DatasetItem>>>(() => GenericResources.Generate(world));
        var names = new[] { ResourceNames.HonestyGoals, ResourceNames.HonestyFollowUp, ResourceNames.InstructionFollowing, ResourceNames.InstructedPairs, ResourceNames.TrueFalseStatements };
        return new(names.ToDictionary(n => n, n => (Func<IReadOnlyList<DatasetItem>>)(() => all.Value[n])), $"generated from world seed {world.Seed}, profile {world.Profile.Name}");
    }

    /// <summary>Every *.jsonl of <paramref name="folder"/>, by file name without extension.</summary>
    public static ResourceCatalog FromFolder(string folder)
    {
        if (!Directory.Exists(folder)) throw new MethodInputException($"Resource folder '{folder}' does not exist (run `honesty testbeds build`).");
        var sources = Directory.GetFiles(folder, "*.jsonl").OrderBy(f => f, StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => (Func<IReadOnlyList<DatasetItem>>)(() => DatasetJson.Read(f)));
        return new(sources, folder);
    }

    public static void Write(string folder, GeneratedWorld world)
    {
        foreach (var (name, items) in GenericResources.Generate(world))
            DatasetJson.Write(Path.Combine(folder, name + ".jsonl"), items);
    }
}
