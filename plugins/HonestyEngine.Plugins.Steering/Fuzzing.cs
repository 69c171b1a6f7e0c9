using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Steering;

[Method("fuzzing", Family = "white-box/steering", Anchor = "Wang et al. 2025; Tice et al. 2024 (noise injection)",
    Description = "Fuzzing: seeded Gaussian noise added to the residual stream after a middle block at every position "
        + "while the model answers. Wang et al. sweep absolute scales 0.01-2 on Claude; here the sweep is relative, "
        + "std = NoiseScale x the RMS of the clean residual at that layer on the items' prompts (0.1, 0.3, 1.0), so the "
        + "same values mean the same on every model size. Each sample draws its own noise seed. Wang et al. found it "
        + "helped only on Password Lock.")]
public sealed class Fuzzing : IIntervention
{
    [Params(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    [Params(0.1, 0.3, 1.0)]
    [QuickParams(0.3)]
    public double NoiseScale { get; set; } = 0.3;

    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        if (!(NoiseScale > 0) || !double.IsFinite(NoiseScale))
            throw new MethodInputException($"fuzzing: NoiseScale must be a positive number, got {NoiseScale}.");
        int layer = context.LayerAtFraction(LayerFraction, "fuzzing");
        string hook = HookNames.ResidPost(layer);
        if (items.Count == 0) return [];
        var prompts = items.Select(i => Prompt.Chat(SteeringSupport.Conversation(i, "fuzzing"))).ToList();
        float std = (float)(NoiseScale * SteeringSupport.ResidualRms(context, prompts, hook, "fuzzing"));
        context.Log($"fuzzing: layer {layer}, noise std {std:G3}");
        return SteeringSupport.Sample(context, items, item => Prompt.Chat(item.Messages),
            (item, s) => HookSpec.Editing(new GaussianNoiseEdit(hook, std, unchecked(context.Seed * 1_000_003 + s * 7919 + StableHash(item.Id)), PositionSelector.All)));
    }

    private static int StableHash(string s)
    {
        unchecked
        {
            int h = 17;
            foreach (char c in s) h = h * 31 + c;
            return h;
        }
    }
}
