using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Steering;

[Method("honesty-steering-vector", Family = "white-box/steering", Anchor = "Wang et al. 2025; Zou et al. 2023 (RepE); Turner et al. 2023 (ActAdd)",
    Description = "Honesty steering: the vector mean(honest) - mean(deceptive) of response-mean-pooled residual activations "
        + "after a middle block over the instructed honest/deceptive pairs (contrastive pairs; Wang et al. use a single "
        + "pair, the mean over all pairs is the less noisy estimate), added with Coefficient at every position while the "
        + "model answers. Coefficients 1 and 2 as Wang et al.: one unit moves the activation by the honest-deceptive gap.")]
public sealed class HonestySteeringVector : IIntervention
{
    [Params(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    [Params(1.0, 2.0)]
    [QuickParams(2.0)]
    public double Coefficient { get; set; } = 2.0;

    public IReadOnlyList<InterventionOutcome> Run(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        if (!double.IsFinite(Coefficient)) throw new MethodInputException($"honesty-steering-vector: Coefficient must be finite, got {Coefficient}.");
        int layer = context.LayerAtFraction(LayerFraction, "honesty-steering-vector");
        string hook = HookNames.ResidPost(layer);
        var vector = Vector(context, hook);
        var edit = HookSpec.Editing(new AddVectorEdit(hook, vector, (float)Coefficient, PositionSelector.All));
        foreach (var item in items) SteeringSupport.Conversation(item, "honesty-steering-vector");
        return SteeringSupport.Sample(context, items, item => Prompt.Chat(item.Messages), (_, _) => edit);
    }

    /// <summary>mean(honest) - mean(deceptive) over the instructed pairs at <paramref name="hook"/>.</summary>
    internal static float[] Vector(MethodContext context, string hook)
    {
        var items = context.Resources.Get(ResourceNames.InstructedPairs);
        var usable = items.Where(i => i.Response is not null && i.Label is 0 or 1).ToList();
        var transcripts = usable.Select(i => new Transcript(i.Id, "train", [.. i.Messages, ChatMessage.Assistant(i.Response!)])).ToList();
        int honest = usable.Count(i => i.Label == 0), deceptive = usable.Count - honest;
        if (honest == 0 || deceptive == 0)
            throw new MethodInputException($"honesty-steering-vector: resource '{ResourceNames.InstructedPairs}' has {honest} honest and {deceptive} deceptive examples with responses; both are needed.");
        var x = context.Activations.Get(context.Model, transcripts, hook, "mean");
        if (x.Rows != transcripts.Count || x.RowLength != context.Model.Info.HiddenSize)
            throw new MethodInputException($"honesty-steering-vector: activations at '{hook}' have shape {x} for {transcripts.Count} transcripts.");
        int d = x.RowLength;
        var v = new double[d];
        for (int i = 0; i < x.Rows; i++)
        {
            double w = usable[i].Label == 0 ? 1.0 / honest : -1.0 / deceptive;
            var row = x.ReadRow(i);
            for (int j = 0; j < d; j++)
            {
                if (!float.IsFinite(row[j])) throw new MethodInputException($"honesty-steering-vector: activation {row[j]} at '{hook}' (pair '{usable[i].Id}').");
                v[j] += w * row[j];
            }
        }
        return Array.ConvertAll(v, a => (float)a);
    }
}
