using System.Reflection;
using System.Runtime.Loader;

namespace HonestyEngine.Engine.Plugins;

/// <summary>One isolated, collectible load context per plugin folder. The plugin's own dependencies
/// (with their versions, e.g. another Newtonsoft.Json than a neighbour plugin) resolve from its folder via
/// its deps.json; only the contract assemblies are shared with the host, so a plugin's
/// <c>IDetector</c> is the host's <c>IDetector</c>.</summary>
internal sealed class PluginLoadContext(string mainAssemblyPath)
    : AssemblyLoadContext($"plugin:{Path.GetFileNameWithoutExtension(mainAssemblyPath)}", isCollectible: true)
{
    /// <summary>Assemblies that must be the host's copy (type identity across the plugin boundary).</summary>
    public static readonly IReadOnlySet<string> SharedAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "HonestyEngine.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",
    };

    private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

    protected override Assembly? Load(AssemblyName name)
    {
        // null = defer to the default context, which holds the host's contract and the shared framework.
        if (name.Name is not null && SharedAssemblies.Contains(name.Name)) return null;
        var path = _resolver.ResolveAssemblyToPath(name);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
