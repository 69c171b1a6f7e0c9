using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Plugins;

/// <summary>Everything plugin loading found: the plugin folders (loaded or not), their methods and testbed sources.
/// Disposing unloads the plugin contexts.</summary>
public sealed class PluginCatalog : IDisposable
{
    private readonly List<PluginLoadContext> _contexts;

    internal PluginCatalog(IReadOnlyList<string> roots, List<PluginInfo> plugins, List<MethodDescriptor> methods,
        List<ITestbedSource> testbedSources, List<PluginLoadContext> contexts)
    {
        Roots = roots;
        Plugins = plugins;
        Methods = methods;
        TestbedSources = testbedSources;
        _contexts = contexts;
    }

    public IReadOnlyList<string> Roots { get; }
    public IReadOnlyList<PluginInfo> Plugins { get; }
    /// <summary>Every usable method, in plugin then name order; names are unique.</summary>
    public IReadOnlyList<MethodDescriptor> Methods { get; }
    public IReadOnlyList<ITestbedSource> TestbedSources { get; }
    public IEnumerable<PluginInfo> Failed => Plugins.Where(p => !p.Loaded);

    public void Dispose()
    {
        foreach (var c in _contexts) c.Unload();
        _contexts.Clear();
    }
}
