using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Results;
using HonestyEngine.Engine.Running;
using HonestyEngine.Engine.Tests.Support;
using HonestyEngine.TestWorld;

namespace HonestyEngine.Engine.Tests.Host;

/// <summary>The whole drop-in loop a researcher follows: install the template, create a detector, build it into a
/// plugins folder, and the host discovers and scores it. Uses a private template hive so the user's
/// `dotnet new` state is untouched, and builds outside the repository so no file lands in it.</summary>
[Collection(TestPluginsCollection.Name)] // serialised with the other child builds
public sealed class TemplateTests
{
    [Fact]
    public void Template_creates_a_detector_that_builds_loads_and_scores()
    {
        using var dir = new TempDir();
        var hive = dir.Sub("hive");
        var timeout = TimeSpan.FromMinutes(6);
        Check(Dotnet.Run(dir.Path, timeout, "new", "install", Path.Combine(Repo.Root, "templates", "HonestyDetector"), "--debug:custom-hive", hive));
        Check(Dotnet.Run(dir.Path, timeout, "new", "honesty-detector", "-n", "MyProbe", "-o", dir.Sub("MyProbe"), "--repo", Repo.Root, "--debug:custom-hive", hive));
        var plugins = dir.Sub("plugins");
        Check(Dotnet.Run(dir.Path, timeout, "build", dir.Sub("MyProbe"), "-c", "Release", $"-p:PluginOutDir={Path.Combine(plugins, "MyProbe")}/", "-nologo", "-v:q"));
        Assert.False(File.Exists(Path.Combine(plugins, "MyProbe", "HonestyEngine.Abstractions.dll")), "the contract must not be copied next to the plugin");

        var host = TestHost.Services(new TestbedList(new SyntheticTestbed("tb", 0.5, evalItems: 30, controlItems: 10)));
        using var catalog = PluginLoader.Load([plugins], host);
        var plugin = Assert.Single(catalog.Plugins);
        Assert.True(plugin.Loaded, plugin.Error);
        var method = Assert.Single(catalog.Methods);
        Assert.Equal(("MyProbe", "detector", "white-box/probe"), (method.Name, method.KindName, method.Family));

        var summary = new RunEngine(host).Run(catalog, new RunOptions { ReferenceRows = false, OutputDirectory = dir.Sub("out"), CacheDirectory = dir.Sub("cache"), MethodGlobs = ["MyProbe"] });
        Assert.Equal(["MyProbe(Layer=-1)", "MyProbe(Layer=-2)"], summary.Results.Cells.Select(c => c.Method));
        Assert.All(summary.Results.Cells, c => Assert.Equal(CellStatus.Ok, c.Status));
        Assert.True(summary.Results.Cells[0].Metrics["auroc"].Value > 0.8, $"auroc {summary.Results.Cells[0].Metrics["auroc"].Value}");
    }

    private static void Check((int Code, string Output) result) => Assert.True(result.Code == 0, result.Output);
}
