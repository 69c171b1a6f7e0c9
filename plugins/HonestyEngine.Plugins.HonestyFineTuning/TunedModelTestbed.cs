using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

/// <summary>The cell's testbed with a fine-tuned model in place of its own: everything else (name, base model,
/// settings) is the testbed view's. Lets the shared intervention sampler answer with the tuned model.</summary>
internal sealed class TunedModelTestbed(ITestbedView testbed, IModelHandle tuned) : ITestbedView
{
    public string Name => testbed.Name;
    public string? BaseModel => testbed.BaseModel;
    public IReadOnlyDictionary<string, string> Settings => testbed.Settings;
    public IModelHandle OpenModel() => tuned;
    public IModelHandle? OpenBaseModel() => testbed.OpenBaseModel();

    /// <summary>A copy of <paramref name="context"/> whose <see cref="MethodContext.Model"/> is <paramref name="tuned"/>.</summary>
    public static MethodContext Context(MethodContext context, IModelHandle tuned) => new()
    {
        Testbed = new TunedModelTestbed(context.Testbed, tuned),
        Services = context.Services,
        Resources = context.Resources,
        Compute = context.Compute,
        Activations = context.Activations,
        Seed = context.Seed,
        Profile = context.Profile,
        SamplesPerItem = context.SamplesPerItem,
        CacheDirectory = context.CacheDirectory,
        CancellationToken = context.CancellationToken,
        Log = context.Log,
        RunTestbeds = context.RunTestbeds,
    };
}
