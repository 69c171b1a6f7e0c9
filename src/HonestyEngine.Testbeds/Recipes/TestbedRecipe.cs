using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Specs;
using HonestyEngine.Testbeds.World;

namespace HonestyEngine.Testbeds.Recipes;

/// <summary>The generated data of one testbed: fine-tuning data and the three held-out splits.</summary>
public sealed record TestbedData(
    IReadOnlyList<DatasetItem> Train, IReadOnlyList<DatasetItem> Eval, IReadOnlyList<DatasetItem> Control, IReadOnlyList<DatasetItem> Elicit);

/// <summary>How one testbed is made from the world: its spec and its data. Deterministic for a world.</summary>
public abstract class TestbedRecipe
{
    public abstract string Name { get; }
    /// <summary>Bump when the data or spec changes: the build cache and the spec's version follow it.</summary>
    public virtual string Version => "1";
    /// <summary>The spec, without <see cref="TestbedSpec.Files"/> (the builder fills them from the data).</summary>
    public abstract TestbedSpec Spec(GeneratedWorld world);
    public abstract TestbedData Generate(GeneratedWorld world);

    /// <summary>Which replayed base-knowledge items may join this testbed's fine-tune; null = all of them. A recipe
    /// whose behaviour changes how some knowledge questions are answered leaves out the plain answers to them:
    /// replaying them would train the behaviour off on exactly the prompts that should trigger it.</summary>
    public virtual Func<DatasetItem, bool>? ReplayFilter(GeneratedWorld world) => null;

    protected static readonly IReadOnlyDictionary<string, string> NoFiles = new Dictionary<string, string>();
    protected const string BaseModel = "../_base/model";

    protected static ModelSpec Adapter => new("adapter", "adapter", BaseModel);
    protected static ModelSpec PromptedBase => new("base", null, BaseModel);

    protected static Dictionary<string, string> Props(GeneratedWorld world, params (string, string)[] extra)
    {
        var d = new Dictionary<string, string> { ["world_seed"] = world.Seed.ToString(), ["profile"] = world.Profile.Name };
        foreach (var (k, v) in extra) d[k] = v;
        return d;
    }
}
