using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

[Method("sae-feature-tokens", Family = "white-box/elicitation", Anchor = "Cywinski et al. 2025 (SAE feature tokens); Gao et al. 2024 (top-k SAE)",
    Description = "Cywinski et al.'s SAE-feature-token elicitation with a top-k SAE we train ourselves: a seeded top-k sparse "
        + "autoencoder (Gao et al.; the algorithm of sae-feature-detector, plugins/Shared/TopKSae.cs) is trained on the "
        + "residual stream after a middle block at every token of generic chat (instruction-following) plus the last "
        + "Positions tokens of each elicitation prompt with the model's greedy answer (unsupervised: no secret is given). "
        + "Per item, the latents whose mean activation over those positions most exceeds their mean activation on the "
        + "generic tokens (Cywinski et al. keep features specific to the prompt rather than dense ones) are the item's top "
        + "Features; each is described by its decoder direction read through the final norm and unembedding (Neuronpedia's "
        + "'top positive logits'), and its top TopTokens token probabilities, weighted by the latent's excess activation, "
        + "vote for the guesses (words absent from prompt and answer); the evidence also lists the generic tokens each feature "
        + "fires on most (its top-activating tokens). Differences from the paper: Cywinski et al. use the "
        + "pretrained Gemma Scope SAE (16k latents, trained on billions of web tokens) and an auditor LLM reading the "
        + "tokens; we train on thousands of tokens, so the elicitation text is in the SAE's training set, and the token "
        + "list is the guess. Scaled to our model sizes: 8x expansion, k = clamp(d / 16, 4, 16), up to 4096 training "
        + "tokens, 20 epochs of Adam at lr 1e-3.")]
public sealed class SaeFeatureTokens : IElicitor
{
    private const string Name = "sae-feature-tokens";

    [Params(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public int Expansion { get; set; } = 8;
    public int TopK { get; set; } = 16;
    public int MaxTrainingTokens { get; set; } = 4096;
    public int Epochs { get; set; } = 20;
    /// <summary>Final tokens of prompt + answer read per item (as logit-lens and activation-token-similarity).</summary>
    public int Positions { get; set; } = 16;
    public int Features { get; set; } = 5;
    public int TopTokens { get; set; } = 10;
    public int Guesses { get; set; } = 5;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        int layer = context.LayerAtFraction(LayerFraction, Name);
        string hook = HookNames.ResidPost(layer);
        var model = context.Model;
        var genericPrompts = GenericText.Prompts(context, Name, 1024);
        if (items.Count == 0) return [];
        var readouts = items.Select(i => ResidualReadout.Read(context, i, [hook], Positions, Name)).ToList();
        int maxTokens = context.Profile == RunProfile.Quick ? MaxTrainingTokens / 4 : MaxTrainingTokens;
        var genericSequences = GenericText.Read(model, genericPrompts, hook, maxTokens, false, Name, context.CancellationToken);
        var generic = GenericText.Stack(genericSequences.Select(s => s.Activations));
        var genericTokens = genericSequences.SelectMany(s => s.TokenIds).ToArray();
        if (generic.Rows < 16) throw new MethodInputException($"{Name}: resource '{ResourceNames.InstructionFollowing}' gave only {generic.Rows} tokens; the SAE needs at least 16.");

        int d = model.Info.HiddenSize, latents = Expansion * d;
        int k = Math.Min(latents, Math.Min(TopK, Math.Max(4, d / 16)));
        var sae = new TopKSae(d, latents, k, context.Seed);
        sae.Train(context.Compute, GenericText.Stack([generic, .. readouts.Select(r => r.Activations[hook])]), Epochs, 64, 1e-3, context.Seed);
        var genericCodes = sae.Encode(context.Compute, generic);
        var genericMean = GenericText.ColumnMean(genericCodes);
        context.Log($"{Name}: layer {layer}, {latents} latents, k = {k}, {generic.Rows} generic tokens, MSE {sae.FinalMse:F4}");

        var outcomes = new List<ElicitationOutcome>(items.Count);
        for (int n = 0; n < items.Count; n++)
        {
            var readout = readouts[n];
            var itemMean = GenericText.ColumnMean(sae.Encode(context.Compute, readout.Activations[hook]));
            var top = Enumerable.Range(0, latents)
                .Select(i => (Latent: i, Excess: (double)itemMean[i] - genericMean[i]))
                .Where(f => f.Excess > 0)
                .OrderByDescending(f => f.Excess).ThenBy(f => f.Latent)
                .Take(Features).ToList();
            var votes = new TokenVotes(model.Tokenizer);
            var described = new List<string>();
            if (top.Count > 0)
            {
                var directions = new Tensor([top.Count, d]);
                for (int f = 0; f < top.Count; f++) sae.Decoder.AsSpan(top[f].Latent * d, d).CopyTo(directions.Row(f));
                var logits = model.Unembed(directions, applyFinalNorm: true);
                if (logits.Rows != top.Count || logits.RowLength != model.Info.VocabSize)
                    throw new MethodInputException($"{Name}: Unembed returned {logits} for {top.Count} decoder directions; expected [{top.Count}, {model.Info.VocabSize}].");
                for (int f = 0; f < top.Count; f++)
                {
                    var featureVotes = new TokenVotes(model.Tokenizer);
                    LogitLens.AddTopProbabilities(logits.ReadRow(f), TopTokens, featureVotes);
                    LogitLens.AddTopProbabilities(logits.ReadRow(f), TopTokens, votes, top[f].Excess);
                    described.Add($"#{top[f].Latent} (+{top[f].Excess:F2}): logits {string.Join(" ", featureVotes.RawTop(3))}; "
                        + $"fires on {TopActivatingTokens(genericCodes, genericTokens, top[f].Latent, model.Tokenizer)}");
                }
            }
            var guesses = votes.Top(Guesses, readout.Texts);
            outcomes.Add(new ElicitationOutcome(items[n].Id, guesses.Select(t => t.Word).ToList(),
                $"layer {layer}; answer: {readout.Response}\nfeatures: {(described.Count == 0 ? "none above their generic mean" : string.Join("; ", described))}"
                + $"\ntop tokens: {string.Join(", ", guesses.Select(t => $"{t.Word} ({t.Score:F2})"))}"));
        }
        return outcomes;
    }

    /// <summary>The generic tokens on which a latent fires most (the other half of a feature's description), or "no
    /// generic token" for a latent specific to the elicitation text.</summary>
    private static string TopActivatingTokens(Tensor codes, int[] tokens, int latent, ITokenizer tokenizer)
    {
        var best = Enumerable.Range(0, codes.Rows).Select(r => (Row: r, Value: codes.Data[r * codes.RowLength + latent]))
            .Where(x => x.Value > 0).OrderByDescending(x => x.Value).ThenBy(x => x.Row)
            .Select(x => tokenizer.TokenText(tokens[x.Row])).Distinct().Take(3).ToList();
        return best.Count == 0 ? "no generic token" : string.Join(" ", best);
    }
}
