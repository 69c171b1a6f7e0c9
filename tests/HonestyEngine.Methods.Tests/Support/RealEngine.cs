using HonestyEngine.Abstractions;
using HonestyEngine.Compute;
using HonestyEngine.Compute.Store;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Running;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Testbeds;
using HonestyEngine.Testbeds.Resources;

namespace HonestyEngine.Methods.Tests.Support;

/// <summary>The host `honesty run` composes (src/HonestyEngine.Cli/Commands/HostComposition.cs, which is internal to
/// the CLI): CPU compute backend, activation store under the cache, testbeds/_resources, the committed testbeds opened
/// with the transformer runtime, fine-tuning by the training engine, and the plugin DLLs under artifacts/plugins.</summary>
public static class RealEngine
{
    public static string RepositoryRoot { get; } = PluginRoots.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"No {PluginRoots.SolutionFile} above {AppContext.BaseDirectory}.");

    public static string TestbedsRoot => Path.Combine(RepositoryRoot, "testbeds");
    public static string PluginsRoot => Path.Combine(RepositoryRoot, "artifacts", "plugins");

    public static ModelLoader Loader { get; } = (model, adapter) => TransformerModelHandle.Open(model, adapter);

    /// <summary>Host services as the CLI builds them; <paramref name="resources"/> and <paramref name="testbeds"/>
    /// replace the committed ones (bad-input runs).</summary>
    public static HostServices Host(string cacheRoot, IResourceCatalog? resources = null, IReadOnlyList<ITestbedSource>? testbeds = null)
    {
        TrainerFineTunerRegistration.Ensure(Path.Combine(cacheRoot, "finetune"));
        var compute = ComputeBackendFactory.Create("cpu", _ => { });
        var activations = new ActivationStore(Path.Combine(cacheRoot, "activations"));
        return new HostServices(compute, activations, resources ?? ResourceCatalog.FromFolder(Path.Combine(TestbedsRoot, "_resources")))
        {
            TestbedSources = testbeds ?? [new FolderTestbedSource(TestbedsRoot, Loader)],
        };
    }

    /// <summary>The built-in plugins, loaded from their DLLs like any third-party plugin.</summary>
    public static PluginCatalog LoadPlugins(HostServices host)
    {
        var warnings = new List<string>();
        var catalog = PluginLoader.Load([PluginsRoot], host, warnings.Add);
        if (warnings.Count > 0 || catalog.Methods.Count == 0)
            throw new InvalidOperationException($"Plugins under {PluginsRoot} did not load cleanly ({catalog.Methods.Count} methods): {string.Join(" | ", warnings)}");
        return catalog;
    }

    /// <summary>Quick-profile options (what `honesty run --quick --seed 0` uses) with a smaller item sample. These tests
    /// check what each method does on the committed organisms' small samples (taboo has 6 lies), so every metric is
    /// computed from one transcript per class up; the report's minimum of 10 is its own policy, tested in Engine.Tests.</summary>
    public static RunOptions Options(string cacheRoot, string outName, int itemLimit) => new()
    {
        Profile = RunProfile.Quick, Seed = 0, QuickItemLimit = itemLimit, Parallelism = 2,
        Metrics = HonestyEngine.Engine.Metrics.MetricOptions.Default with { MinPerClass = 1 },
        CacheDirectory = cacheRoot, OutputDirectory = Path.Combine(cacheRoot, "out", outName),
    };

    private static class TrainerFineTunerRegistration
    {
        private static readonly object Gate = new();
        private static bool _done;

        public static void Ensure(string outputRoot)
        {
            lock (Gate)
            {
                if (_done) return;
                HonestyEngine.Training.TrainerFineTuner.Register(outputRoot);
                _done = true;
            }
        }
    }
}
