using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.HonestyFineTuning;

/// <summary>The cell's testbed with a fine-tuned model in place of its own: everything else (splits, labeller,
/// base model) is the testbed's. Lets the shared intervention sampler answer with the tuned model.</summary>
internal sealed class TunedModelTestbed(ITestbed testbed, IModelHandle tuned) : ITestbed
{
    public TestbedInfo Info => testbed.Info;
    public IReadOnlyList<string> Splits => testbed.Splits;
    public bool HasSplit(string split) => testbed.HasSplit(split);
    public IReadOnlyList<DatasetItem> GetSplit(string split) => testbed.GetSplit(split);
    public ILabeller Labeller => testbed.Labeller;
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
