using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Elicitation;

[Method("prefill-fuzzing", Family = "white-box/elicitation", Anchor = "Cywinski et al. 2025; Wang et al. 2025 (fuzzing)",
    Description = "The prefill attack with fuzzing: seeded Gaussian noise added to the residual stream after a middle "
        + "block (LayerFraction of depth; Wang et al. and Cywinski et al. fuzz a middle layer) at every position, "
        + "Seeds noise draws per prefill, all continuations pooled into guesses. The noise std is NoiseScale times the "
        + "RMS of the clean activations at that layer on the same prompts, so one scale means the same on any model size "
        + "(Wang et al. sweep absolute scales 0.01-2 on one model).")]
public sealed class PrefillFuzzing : IElicitor
{
    [Params(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    [Params(0.25, 0.5, 1.0)]
    [QuickParams(0.5)]
    public double NoiseScale { get; set; } = 0.5;

    public int Seeds { get; set; } = 4;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        if (!(NoiseScale > 0) || !double.IsFinite(NoiseScale))
            throw new MethodInputException($"prefill-fuzzing: NoiseScale must be a positive number, got {NoiseScale}.");
        int layer = context.LayerAtFraction(LayerFraction, "prefill-fuzzing");
        string hook = HookNames.ResidPost(layer);
        var prefills = ElicitationInputs.Prefills(context, "prefill-fuzzing");
        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            var conversation = ElicitationInputs.Conversation(item, "prefill-fuzzing");
            var prompts = prefills.Select(p => Prompt.ChatWithPrefill(conversation, p)).ToList();
            float std = (float)(NoiseScale * ResidualRms(context, prompts, hook));
            var requests = new List<GenerationRequest>();
            foreach (var prompt in prompts)
                for (int s = 0; s < Seeds; s++)
                    requests.Add(new GenerationRequest(prompt, new SamplingOptions(AssistantPrefill.MaxNewTokens, 0f, 1f, context.Seed),
                        HookSpec.Editing(new GaussianNoiseEdit(hook, std, context.Seed * 1000 + s, PositionSelector.All))));
            var outputs = ElicitationInputs.Generate(context, context.Model, requests).Select(r => r.Text).ToList();
            outcomes.Add(new ElicitationOutcome(item.Id, GuessExtractor.Guesses(outputs, ElicitationInputs.PromptTexts(requests)),
                $"layer {layer}, noise std {std:G3}\n" + GuessExtractor.Evidence(outputs)));
        }
        return outcomes;
    }

    /// <summary>Root-mean-square of the residual entries at <paramref name="hook"/> over all positions of the prompts.</summary>
    private static double ResidualRms(MethodContext context, IReadOnlyList<Prompt> prompts, string hook)
    {
        var results = context.Model.Forward(prompts.Select(p => new ForwardRequest(p, HookSpec.Reading(PositionSelector.All, hook))).ToList(), context.CancellationToken);
        double sum = 0; long count = 0;
        foreach (var r in results)
        {
            if (!r.Activations.TryGetValue(hook, out var t)) throw new MethodInputException($"prefill-fuzzing: the model returned no activations at '{hook}'.");
            foreach (var v in t.Data) { sum += (double)v * v; count++; }
        }
        double rms = Math.Sqrt(sum / Math.Max(1, count));
        if (!double.IsFinite(rms) || rms <= 0) throw new MethodInputException($"prefill-fuzzing: activations at '{hook}' have RMS {rms}; cannot scale the noise.");
        return rms;
    }
}
