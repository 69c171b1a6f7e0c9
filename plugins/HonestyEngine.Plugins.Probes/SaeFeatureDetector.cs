using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("sae-feature-detector", Family = "white-box/sae", Anchor = "Wang et al. 2025 (SAE feature); Gao et al. 2024 (top-k SAE)",
    Description = "Trains a small seeded top-k sparse autoencoder (Gao et al.) on token-level residual activations of "
        + "generic chat (the instruction-following resource), then picks the single latent whose encoder pre-activation "
        + "best separates the instructed honest/deceptive pairs (largest |AUROC - 0.5|, sign kept) and scores each "
        + "transcript by that latent on its response-mean-pooled activation: Wang et al.'s 'one SAE feature' detector, "
        + "with the feature chosen on off-policy pairs instead of by hand. The SAE's training tokens are the generic chat "
        + "plus the instructed pairs' text with their labels unused (SAE training is unsupervised; the pairs make sure "
        + "honest and deceptive text is in the dictionary's training distribution). "
        + "Scaled to our model sizes: 8x expansion, k = 16, "
        + "up to 4096 training tokens, 20 epochs of Adam at lr 1e-3 (Gao et al. train 16M-latent SAEs on billions of "
        + "tokens). Layer is a fraction of depth (0.5 = middle, 0.2 = Liars' Bench).",
    // Version 2: the shared TopKSae optimiser became vectorised float Adam; numbers shift slightly, so old cells are not reused.
    Version = "2")]
public sealed class SaeFeatureDetector : IDetector
{
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public int Expansion { get; set; } = 8;
    public int TopK { get; set; } = 16;
    public int MaxTrainingTokens { get; set; } = 4096;
    public int Epochs { get; set; } = 20;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        string hook = HookNames.ResidPost(layer);
        var (train, labels) = ProbeInputs.InstructedPairs(context);
        var tokens = TrainingTokenActivations(context, train, hook, context.Profile == RunProfile.Quick ? MaxTrainingTokens / 4 : MaxTrainingTokens);
        int d = tokens.RowLength;
        var sae = new TopKSae(d, Expansion * d, Math.Min(TopK, Expansion * d), context.Seed);
        sae.Train(context.Compute, tokens, Epochs, 64, 1e-3, context.Seed);

        var (feature, sign, auroc) = SelectFeature(context.Compute, sae, ProbeInputs.ResidPost(context, train, layer, "mean"), labels);
        context.Log($"sae-feature-detector: layer {layer}, {tokens.Rows} tokens, MSE {sae.FinalMse:F4}, latent {feature} (train AUROC {auroc:F3})");

        var pre = sae.PreActivations(context.Compute, ProbeInputs.ResidPost(context, transcripts, layer, "mean"));
        var scores = new double[transcripts.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = sign * pre.Data[i * sae.Latents + feature];
        return ProbeInputs.ToCheckedDoubles(Array.ConvertAll(scores, s => (float)s), "sae-feature-detector");
    }

    internal static (int Feature, int Sign, double Auroc) SelectFeature(IActivationCompute compute, TopKSae sae, Tensor x, float[] labels)
    {
        var pre = sae.PreActivations(compute, x);
        var auroc = new double[sae.Latents];
        compute.Auroc(pre.Data, pre.Rows, sae.Latents, Array.ConvertAll(labels, y => y > 0.5f ? 1 : 0), auroc);
        int best = -1;
        for (int i = 0; i < auroc.Length; i++)
            if (double.IsFinite(auroc[i]) && (best < 0 || Math.Abs(auroc[i] - 0.5) > Math.Abs(auroc[best] - 0.5))) best = i;
        if (best < 0) throw new MethodInputException("No SAE latent has a defined AUROC on the instructed pairs.");
        return (best, auroc[best] >= 0.5 ? 1 : -1, auroc[best]);
    }

    /// <summary>Residual activations at every token of the generic chat resource and the (unlabelled) instructed
    /// pairs, interleaved so that a token cap keeps both, up to <paramref name="maxTokens"/>.</summary>
    private static Tensor TrainingTokenActivations(MethodContext context, IReadOnlyList<Transcript> pairs, string hook, int maxTokens)
    {
        var generic = context.Resources.Get(ResourceNames.InstructionFollowing);
        if (generic.Count == 0) throw new MethodInputException($"Resource '{ResourceNames.InstructionFollowing}' is empty: the SAE needs generic text to train on.");
        var conversations = new List<IReadOnlyList<ChatMessage>>();
        for (int i = 0; i < Math.Max(generic.Count, pairs.Count); i++)
        {
            if (i < generic.Count) conversations.Add(generic[i].Response is null ? generic[i].Messages : [.. generic[i].Messages, ChatMessage.Assistant(generic[i].Response!)]);
            if (i < pairs.Count) conversations.Add(pairs[i].Messages);
        }
        var rows = new List<float[]>();
        const int chunk = 8;
        for (int start = 0; start < conversations.Count && rows.Count < maxTokens; start += chunk)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var batch = conversations.Skip(start).Take(chunk).Select(messages => new ForwardRequest(
                Prompt.Chat(messages) with { Render = messages[^1].Role == "assistant" ? ChatRenderOptions.Complete : ChatRenderOptions.Generation },
                HookSpec.Reading(PositionSelector.All, hook))).ToList();
            foreach (var result in context.Model.Forward(batch, context.CancellationToken))
            {
                if (!result.Activations.TryGetValue(hook, out var act))
                    throw new MethodInputException($"The model returned no activations at '{hook}'.");
                for (int p = 0; p < act.Rows && rows.Count < maxTokens; p++) rows.Add(act.ReadRow(p).ToArray());
            }
        }
        if (rows.Count < 16) throw new MethodInputException($"Resource '{ResourceNames.InstructionFollowing}' gave only {rows.Count} tokens; the SAE needs at least 16.");
        return ProbeInputs.CheckActivations(Tensor.FromRows(rows), rows.Count, context.Model.Info.HiddenSize, hook);
    }
}
