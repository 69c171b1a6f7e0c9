using System.Text.Json.Nodes;
using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Hosting;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Running;
using HonestyEngine.Testbeds;

namespace HonestyEngine.Methods.Tests.Support;

/// <summary>The bad inputs every method is run on through the engine (each run once per test process):
/// <list type="bullet">
/// <item><see cref="BadLayer"/>: LayerFraction 1.5 and -0.5 (layers the 4-layer model does not have) on taboo;</item>
/// <item><see cref="NoResources"/>: an empty resource catalog (no instructed pairs, statements, honesty mixes, generic chat);</item>
/// <item><see cref="Hollow"/>: taboo without its base model, with 2 control items, and with eval/elicit items that lost
/// their user turn (only the system turn is left);</item>
/// <item><see cref="NoAdapter"/>: a copy of taboo whose LoRA adapter is gone, so its model cannot be opened.</item>
/// </list>
/// The others use 6 items per split: a method that does not fail fast still finishes quickly.</summary>
public static class BadInputRuns
{
    public const int Items = 6;
    public const string HollowTestbed = "taboo-hollow";
    public const string NoAdapterTestbed = "taboo-no-adapter";
    public static readonly object[] BadLayerFractions = [1.5, -0.5];

    public static RunSummary BadLayer(this EngineRuns runs, IReadOnlyList<string> methods) =>
        runs.Run("bad-layer", [PropertyRuns.Taboo], () => methods.Select(m => HostMethods.WithParameter(runs.Method(m), "LayerFraction", BadLayerFractions)).ToList(),
            PropertyRuns.DetectorItems); // shares the model run of taboo-detectors

    public static RunSummary NoResources(this EngineRuns runs, IReadOnlyList<string> methods)
    {
        var host = RealEngine.Host(Path.Combine(runs.CacheRoot, "hosts", "no-resources"),
            resources: new EmptyResourceCatalog("this test host has an empty resource catalog"));
        return runs.Run("no-resources", [PropertyRuns.Taboo], () => methods.Select(runs.Method).ToList(), Items, host);
    }

    public static RunSummary Hollow(this EngineRuns runs, IReadOnlyList<string> methods)
    {
        var taboo = new FolderTestbed(Path.Combine(RealEngine.TestbedsRoot, PropertyRuns.Taboo), RealEngine.Loader);
        var hollow = new ReshapedTestbed(taboo, HollowTestbed) { WithoutBaseModel = true, ControlItems = 2, WithoutUserTurns = true };
        var host = RealEngine.Host(Path.Combine(runs.CacheRoot, "hosts", "hollow"), testbeds: [new TestbedList(hollow)]);
        return runs.Run("hollow", [HollowTestbed], () => methods.Select(runs.Method).ToList(), Items, host);
    }

    public static RunSummary NoAdapter(this EngineRuns runs, IReadOnlyList<string> methods)
    {
        var folder = Path.Combine(runs.CacheRoot, "testbeds", NoAdapterTestbed);
        CopyWithoutAdapter(Path.Combine(RealEngine.TestbedsRoot, PropertyRuns.Taboo), folder);
        var host = RealEngine.Host(Path.Combine(runs.CacheRoot, "hosts", "no-adapter"),
            testbeds: [new TestbedList(new FolderTestbed(folder, RealEngine.Loader))]);
        return runs.Run("no-adapter", [NoAdapterTestbed], () => methods.Select(runs.Method).ToList(), Items, host);
    }

    /// <summary>The taboo folder under a new name, its base model path made absolute, its adapter folder left behind.</summary>
    private static void CopyWithoutAdapter(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "testbed.json")))!.AsObject();
        spec["name"] = NoAdapterTestbed;
        var model = spec["model"]!.AsObject();
        model["base"] = Path.GetFullPath(Path.Combine(source, (string)model["base"]!));
        File.WriteAllText(Path.Combine(target, "testbed.json"), spec.ToJsonString());
    }
}
