using HonestyEngine.Compute;
using HonestyEngine.Compute.Store;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Testbeds;
using HonestyEngine.Testbeds.Resources;

namespace HonestyEngine.Cli.Commands;

/// <summary>Composes the concrete services the engine runs with (the engine itself only knows the contract):
/// the compute backend for --device, the activation store under the cache, the resource catalog and the
/// plugin roots. Shared by `run` and `list`.</summary>
internal static class HostComposition
{
    public static string? RepositoryRoot => PluginRoots.FindRepositoryRoot(Directory.GetCurrentDirectory());

    /// <summary>--cache, else &lt;repo&gt;/.honesty-cache, else ./.honesty-cache.</summary>
    public static string CacheRoot(string? option) =>
        Path.GetFullPath(option ?? Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), ".honesty-cache"));

    public static IReadOnlyList<string> PluginRootsFor(string[]? option) =>
        option is { Length: > 0 } ? option.Select(Path.GetFullPath).ToList() : PluginRoots.Default();

    public static HostServices Create(string device, string cacheRoot, Action<string> warn)
    {
        // IModelHandle.FineTune of every runtime-opened model (testbeds included) trains with HonestyEngine.Training.
        HonestyEngine.Training.TrainerFineTuner.Register(Path.Combine(cacheRoot, "finetune"));
        var compute = CreateCompute(device, warn);
        var activations = new ActivationStore(Path.Combine(cacheRoot, "activations"));
        return new HostServices(compute, activations, Resources()) { TestbedSources = TestbedSources(warn) };
    }

    /// <summary>The built testbeds under &lt;repo&gt;/testbeds/, opened with the transformer runtime.
    /// None (with a warning) when that folder does not exist yet; plugins may still provide testbeds.</summary>
    private static IReadOnlyList<HonestyEngine.Abstractions.ITestbedSource> TestbedSources(Action<string> warn)
    {
        var root = Path.Combine(RepositoryRoot ?? AppContext.BaseDirectory, "testbeds");
        if (!Directory.Exists(root))
        {
            warn($"No testbeds folder at {root} (run `honesty testbeds build`); only plugin-provided testbeds are available.");
            return [];
        }
        return [new FolderTestbedSource(root, (model, adapter) => TransformerModelHandle.Open(model, adapter))];
    }

    private static HonestyEngine.Abstractions.IActivationCompute CreateCompute(string device, Action<string> warn)
    {
        try
        {
            return ComputeBackendFactory.Create(device, warn);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>testbeds/_resources/*.jsonl (written by `honesty testbeds build`) when present.</summary>
    private static HonestyEngine.Abstractions.IResourceCatalog Resources()
    {
        var folder = Path.Combine(RepositoryRoot ?? AppContext.BaseDirectory, "testbeds", "_resources");
        return Directory.Exists(folder)
            ? ResourceCatalog.FromFolder(folder)
            : new EmptyResourceCatalog($"{folder} does not exist (run `honesty testbeds build`)");
    }
}
