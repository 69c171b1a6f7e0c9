using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Tests.Support;

namespace HonestyEngine.Engine.Tests.Host;

[Collection(TestPluginsCollection.Name)]
public sealed class PluginLoadingTests(TestPluginsFixture plugins)
{
    [Fact]
    public void Discovers_methods_kinds_parameters_and_plugin_testbeds()
    {
        using var dir = new TempDir();
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes")], TestHost.Services());
        var plugin = Assert.Single(catalog.Plugins);
        Assert.True(plugin.Loaded, plugin.Error);
        Assert.StartsWith("1.2.3", plugin.Version);
        Assert.Equal(["HonestyPrompt", "JsonLengthBaseline", "MeanDiffProbe", "PoliteAsk", "PrivilegedMeanDiff", "SlowMeanDiff"], catalog.Methods.Select(m => m.Name));
        var probe = catalog.Methods.Single(m => m.Name == "MeanDiffProbe");
        Assert.Equal(MethodKind.Detector, probe.Kind);
        Assert.Equal("white-box/probe", probe.Family);
        var layer = Assert.Single(probe.Parameters);
        Assert.Equal([0, 3], layer.Values.Cast<int>());
        Assert.Equal([3], layer.QuickValues.Cast<int>());
        Assert.True(catalog.Methods.Single(m => m.Name == "PrivilegedMeanDiff").RequiresPrivilegedLabels);
        Assert.Equal(MethodKind.Intervention, catalog.Methods.Single(m => m.Name == "HonestyPrompt").Kind);
        Assert.Equal(MethodKind.Elicitor, catalog.Methods.Single(m => m.Name == "PoliteAsk").Kind);
        Assert.Equal(["synthetic-sales", "synthetic-secret"], catalog.TestbedSources.SelectMany(s => s.Discover()).Select(t => t.Info.Name));
        // The method type comes from the plugin's own load context, but implements the host's contract interface.
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(probe.Type.Assembly));
        Assert.True(typeof(IDetector).IsAssignableFrom(probe.Type));
    }

    [Fact]
    public void Plugins_with_conflicting_dependency_versions_load_side_by_side()
    {
        using var dir = new TempDir();
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(dir, "HonestProbes", "LegacyJsonPlugin")], TestHost.Services());
        Assert.All(catalog.Plugins, p => Assert.True(p.Loaded, p.Error));
        string Version(string method) =>
            (string)catalog.Methods.Single(m => m.Name == method).Type.GetProperty("NewtonsoftVersion")!.GetValue(null)!;
        Assert.Equal("13.0.0.0", Version("JsonLengthBaseline"));
        Assert.Equal("12.0.0.0", Version("LegacyJsonLength"));
    }

    [Fact]
    public void Faulty_and_foreign_plugin_folders_are_reported_and_skipped()
    {
        using var dir = new TempDir();
        var root = plugins.PluginsRoot(dir, "HonestProbes", "FaultyPlugins", "FutureContractPlugin");
        // A folder with dlls but no <Folder>.dll.
        var malformed = Path.Combine(root, "Malformed");
        Directory.CreateDirectory(malformed);
        File.Copy(Path.Combine(plugins.BuiltRoot, "FaultyPlugins", "FaultyPlugins.dll"), Path.Combine(malformed, "SomethingElse.dll"));
        // A main dll that is not an assembly at all.
        var corrupt = Path.Combine(root, "Corrupt");
        Directory.CreateDirectory(corrupt);
        File.WriteAllBytes(Path.Combine(corrupt, "Corrupt.dll"), [0x4D, 0x5A, 1, 2, 3, 4, 5]);
        // A source folder (project, no dll) is not a plugin and is ignored silently.
        var source = Path.Combine(root, "SourceOnly");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "SourceOnly.csproj"), "<Project />");

        var warnings = new List<string>();
        using var catalog = PluginLoader.Load([root], TestHost.Services(), warnings.Add);

        Assert.DoesNotContain(catalog.Plugins, p => p.Name == "SourceOnly");
        Assert.True(catalog.Plugins.Single(p => p.Name == "HonestProbes").Loaded);
        var faulty = catalog.Plugins.Single(p => p.Name == "FaultyPlugins");
        Assert.True(faulty.Loaded, faulty.Error);
        Assert.Contains(faulty.Warnings, w => w.Contains("NotAMethod") && w.Contains("implements none of"));

        var future = catalog.Plugins.Single(p => p.Name == "FutureContractPlugin");
        Assert.False(future.Loaded);
        Assert.Contains("'FutureContractPlugin'", future.Error);
        Assert.Contains("HonestyEngine.Abstractions 3.0.0.0", future.Error);
        Assert.Contains($"this host provides {typeof(IMethod).Assembly.GetName().Version}", future.Error);
        Assert.DoesNotContain(catalog.Methods, m => m.Name == "FutureDetector");

        var malformedInfo = catalog.Plugins.Single(p => p.Name == "Malformed");
        Assert.Contains("no Malformed.dll", malformedInfo.Error);
        Assert.Contains(malformed, malformedInfo.Error);
        var corruptInfo = catalog.Plugins.Single(p => p.Name == "Corrupt");
        Assert.Contains("'Corrupt'", corruptInfo.Error);
        Assert.Contains("failed to load", corruptInfo.Error);
        Assert.Equal(3, warnings.Count(w => w.Contains("Plugin 'FutureContractPlugin'") || w.Contains("Malformed") || w.Contains("'Corrupt'")));
    }

    [Fact]
    public void The_host_provides_contract_2_and_refuses_plugins_built_against_1x_naming_both_versions()
    {
        Assert.Equal(new Version(2, 0, 0, 0), ContractVersion.Host);
        var error = ContractVersion.Check("OldPlugin", "/plugins/OldPlugin/OldPlugin.dll", new Version(1, 1, 0, 0));
        Assert.NotNull(error);
        Assert.Contains("'OldPlugin'", error);
        Assert.Contains("HonestyEngine.Abstractions 1.1.0.0", error);
        Assert.Contains("this host provides 2.0.0.0", error);
        Assert.Contains("major versions 1 and 2 differ", error);
        Assert.Contains("Rebuild the plugin", error);
        Assert.Null(ContractVersion.Check("NewPlugin", "/plugins/NewPlugin/NewPlugin.dll", new Version(2, 0, 0, 0)));
        Assert.Contains("does not reference", ContractVersion.Check("NoContract", "/plugins/NoContract/NoContract.dll", null));
    }

    [Fact]
    public void A_second_copy_of_a_plugin_in_a_later_root_is_shadowed()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        using var catalog = PluginLoader.Load([plugins.PluginsRoot(a, "LegacyJsonPlugin"), plugins.PluginsRoot(b, "LegacyJsonPlugin")], TestHost.Services());
        var plugin = Assert.Single(catalog.Plugins);
        Assert.Contains(plugin.Warnings, w => w.Contains("shadowed"));
        Assert.Single(catalog.Methods);
    }

    [Fact]
    public void Default_roots_are_artifacts_plugins_and_plugins_of_the_enclosing_repository()
    {
        var roots = PluginRoots.Default(Path.Combine(Repo.Root, "src", "HonestyEngine.Engine"));
        Assert.Equal([Path.Combine(Repo.Root, "artifacts", "plugins"), Path.Combine(Repo.Root, "plugins")], roots);
        using var outside = new TempDir();
        Assert.Equal([Path.Combine(AppContext.BaseDirectory, "plugins")], PluginRoots.Default(outside.Path));
    }
}
