using System.Reflection;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace HonestyEngine.Engine.Plugins;

/// <summary>Scans plugin roots and loads each plugin folder in isolation.
/// A plugin folder is a subfolder holding <c>&lt;FolderName&gt;.dll</c>. Folders without any dll (the source
/// projects under plugins/) are ignored silently; a folder with dlls but no main dll is reported as malformed.
/// A plugin that cannot be loaded is reported and skipped; the others still load.</summary>
public static class PluginLoader
{
    public static PluginCatalog Load(IReadOnlyList<string> roots, HostServices host, Action<string>? warn = null)
    {
        var plugins = new List<PluginInfo>();
        var methods = new List<MethodDescriptor>();
        var sources = new List<ITestbedSource>();
        var contexts = new List<PluginLoadContext>();
        var seen = new Dictionary<string, PluginInfo>(StringComparer.OrdinalIgnoreCase);
        var methodOwners = new Dictionary<string, MethodDescriptor>(StringComparer.OrdinalIgnoreCase);

        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) continue;
            foreach (var folder in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
            {
                var name = Path.GetFileName(folder);
                var main = Path.Combine(folder, name + ".dll");
                if (!File.Exists(main))
                {
                    var dlls = Directory.GetFiles(folder, "*.dll");
                    if (dlls.Length > 0)
                        plugins.Add(new PluginInfo
                        {
                            Name = name, Folder = folder,
                            Error = $"Malformed plugin folder {folder}: it holds {dlls.Length} dll(s) " +
                                    $"({string.Join(", ", dlls.Select(Path.GetFileName).Take(4))}{(dlls.Length > 4 ? ", ..." : "")}) " +
                                    $"but no {name}.dll; the main assembly must be named after its folder.",
                        });
                    if (dlls.Length > 0) warn?.Invoke(plugins[^1].Error!);
                    continue; // a source folder (.csproj, no dll) is not a plugin
                }
                var info = new PluginInfo { Name = name, Folder = folder };
                if (seen.TryGetValue(name, out var first))
                {
                    first.Warnings.Add($"Another copy in {folder} is shadowed by this one (roots are searched in order).");
                    continue;
                }
                seen[name] = info;
                plugins.Add(info);
                LoadOne(info, main, host, methods, methodOwners, sources, contexts);
                if (info.Error is not null) warn?.Invoke(info.Error);
                foreach (var w in info.Warnings) warn?.Invoke($"Plugin '{name}': {w}");
            }
        }
        return new PluginCatalog(roots, plugins, methods, sources, contexts);
    }

    private static void LoadOne(PluginInfo info, string main, HostServices host, List<MethodDescriptor> methods,
        Dictionary<string, MethodDescriptor> methodOwners, List<ITestbedSource> sources, List<PluginLoadContext> contexts)
    {
        PluginLoadContext? context = null;
        try
        {
            var contractError = ContractVersion.Check(info.Name, main);
            if (contractError is not null) { info.Error = contractError; return; }

            context = new PluginLoadContext(main);
            var assembly = context.LoadFromAssemblyPath(main);
            // The informational version without the "+commit" suffix the SDK appends.
            info.Version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
                           ?? assembly.GetName().Version?.ToString() ?? "";
            Type[] types;
            try
            {
                types = assembly.GetExportedTypes();
            }
            catch (ReflectionTypeLoadException e)
            {
                var first = e.LoaderExceptions.FirstOrDefault(x => x is not null);
                throw new InvalidOperationException($"its types cannot be loaded: {first?.Message ?? e.Message}", e);
            }

            var services = host.CreateCollection();
            foreach (var moduleType in types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPluginModule).IsAssignableFrom(t)))
            {
                var module = (IPluginModule)Activator.CreateInstance(moduleType)!;
                module.ConfigureServices(services);
            }
            var provider = services.BuildServiceProvider();

            var found = new List<MethodDescriptor>();
            foreach (var type in types.OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                var descriptor = MethodDiscovery.TryDescribe(type, provider, info, out var problem);
                if (problem is not null) info.Warnings.Add(problem);
                if (descriptor is null) continue;
                if (methodOwners.TryGetValue(descriptor.Name, out var owner) || found.Any(f => string.Equals(f.Name, descriptor.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    owner ??= found.First(f => string.Equals(f.Name, descriptor.Name, StringComparison.OrdinalIgnoreCase));
                    info.Warnings.Add($"Method '{descriptor.Name}' ({type.FullName}) ignored: plugin '{owner.Plugin?.Name}' already provides a method with that name.");
                    continue;
                }
                found.Add(descriptor);
            }
            var foundSources = new List<ITestbedSource>();
            foreach (var sourceType in types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITestbedSource).IsAssignableFrom(t)))
                foundSources.Add((ITestbedSource)ActivatorUtilities.CreateInstance(provider, sourceType));

            info.Methods.AddRange(found.OrderBy(m => m.Name, StringComparer.Ordinal));
            info.TestbedSourceCount = foundSources.Count;
            methods.AddRange(info.Methods);
            foreach (var m in info.Methods) methodOwners[m.Name] = m;
            sources.AddRange(foundSources);
            contexts.Add(context);
        }
        catch (Exception e)
        {
            // Reflection and a failing static constructor wrap the exception that says what is wrong.
            var inner = e;
            while (inner is TargetInvocationException or TypeInitializationException && inner.InnerException is not null) inner = inner.InnerException;
            info.Error ??= $"Plugin '{info.Name}' ({main}) failed to load: {inner.GetType().Name}: {inner.Message}";
            info.Methods.Clear();
            context?.Unload();
        }
    }
}
