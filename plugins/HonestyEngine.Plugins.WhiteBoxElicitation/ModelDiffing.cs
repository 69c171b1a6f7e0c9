using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

[Method("model-diffing", Family = "white-box/elicitation", Anchor = "Minder et al. 2025 (activation difference lens); Cywinski et al. 2025",
    Description = "Compares the testbed model with its base model (ITestbed.OpenBaseModel) on generic chat that has nothing "
        + "to do with the secret (instruction-following, up to MaxPrompts conversations, every token). Signal 'logit-diff': "
        + "the mean over tokens of the change in next-token log-probability (logit difference centred per position) for every "
        + "vocabulary entry; the tokens that rise most are the guesses. Signal 'activation-diff' (Minder et al.'s activation "
        + "difference lens, logit-lens reading): the mean residual difference after a middle block, passed through the final "
        + "norm and unembedding; its most probable tokens are the guesses. Both read what a narrow fine-tune leaves in the "
        + "model everywhere, not what it says when asked. Guesses are the same for every elicitation item except that "
        + "words of the item's own prompt are dropped. Scaled down: Minder et al. average the first few positions of "
        + "thousands of pretraining documents and also read the difference with Patchscope and by steering; we average every "
        + "position of up to 64 conversations and read it through the unembedding only. Two models that do not differ on "
        + "the generic text give no guesses.")]
public sealed class ModelDiffing : IElicitor
{
    private const string Name = "model-diffing";
    public const string LogitDiff = "logit-diff";
    public const string ActivationDiff = "activation-diff";

    [Params(LogitDiff, ActivationDiff)]
    public string Signal { get; set; } = LogitDiff;

    /// <summary>The layer of the activation difference (fraction of depth; unused by logit-diff).</summary>
    public double LayerFraction { get; set; } = 0.5;
    public int MaxPrompts { get; set; } = 64;
    public int MaxTokens { get; set; } = 4096;
    public int TopTokens { get; set; } = 20;
    public int Guesses { get; set; } = 5;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        if (Signal is not (LogitDiff or ActivationDiff))
            throw new MethodInputException($"{Name}: unknown signal '{Signal}' (use '{LogitDiff}' or '{ActivationDiff}').");
        var model = context.Model;
        var baseModel = context.Testbed.OpenBaseModel()
            ?? throw new MethodInputException($"{Name}: testbed '{context.Testbed.Name}' has no base model (OpenBaseModel() returned null); "
                + "model diffing needs the model it was fine-tuned from.");
        if (baseModel.Info.HiddenSize != model.Info.HiddenSize || baseModel.Info.VocabSize != model.Info.VocabSize || baseModel.Info.NumLayers != model.Info.NumLayers)
            throw new MethodInputException($"{Name}: base model '{baseModel.Info.Name}' ({baseModel.Info.NumLayers} layers, d = {baseModel.Info.HiddenSize}, vocab {baseModel.Info.VocabSize}) "
                + $"does not match '{model.Info.Name}' ({model.Info.NumLayers} layers, d = {model.Info.HiddenSize}, vocab {model.Info.VocabSize}).");
        int layer = context.LayerAtFraction(LayerFraction, Name);
        string hook = HookNames.ResidPost(layer);
        var prompts = GenericText.Prompts(context, Name, MaxPrompts);
        int maxTokens = context.Profile == RunProfile.Quick ? MaxTokens / 4 : MaxTokens;
        bool logits = Signal == LogitDiff;
        var tuned = GenericText.Read(model, prompts, hook, maxTokens, logits, Name, context.CancellationToken);
        var reference = GenericText.Read(baseModel, prompts.Take(tuned.Count).ToList(), hook, int.MaxValue, logits, Name, context.CancellationToken);
        for (int i = 0; i < tuned.Count; i++)
            if (i >= reference.Count || !tuned[i].TokenIds.AsSpan().SequenceEqual(reference[i].TokenIds))
                throw new MethodInputException($"{Name}: '{model.Info.Name}' and its base '{baseModel.Info.Name}' tokenize generic prompt {i} differently; diffing needs a shared tokenizer.");

        var difference = logits ? MeanLogProbDifference(tuned, reference) : ActivationDifferenceProbabilities(model, tuned, reference);
        int tokens = tuned.Sum(s => s.TokenIds.Length);
        double largest = difference.Max(Math.Abs);
        var votes = new TokenVotes(model.Tokenizer);
        bool differs = largest > 1e-6;
        if (differs)
            foreach (var (token, value) in TopIndices(difference, TopTokens))
                if (value > 0) votes.Add(token, value);
        context.Log($"{Name} ({Signal}): {tuned.Count} generic prompts, {tokens} tokens, largest |difference| {largest:G3}");

        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            var top = votes.Top(Guesses, item.Messages.Select(m => m.Content));
            string evidence = $"{Signal} of testbed '{context.Testbed.Name}' vs its base model{(logits ? "" : $" at {hook}")} over {tokens} generic tokens; "
                + (differs ? $"top tokens: {string.Join(", ", top.Select(t => $"{t.Word} ({t.Score:G3})"))}" : "the models do not differ there (no guesses)");
            outcomes.Add(new ElicitationOutcome(item.Id, top.Select(t => t.Word).ToList(), evidence));
        }
        return outcomes;
    }

    /// <summary>Mean over every token of log p_tuned(v) - log p_base(v), per vocabulary entry v.</summary>
    internal static double[] MeanLogProbDifference(IReadOnlyList<GenericText.Sequence> tuned, IReadOnlyList<GenericText.Sequence> reference)
    {
        int vocab = tuned[0].Logits!.RowLength;
        var sum = new double[vocab];
        long rows = 0;
        for (int s = 0; s < tuned.Count; s++)
        {
            var a = tuned[s].Logits!; var b = reference[s].Logits!;
            for (int r = 0; r < a.Rows; r++)
            {
                var ra = a.ReadRow(r); var rb = b.ReadRow(r);
                double shift = LogSumExp(ra) - LogSumExp(rb);
                for (int v = 0; v < vocab; v++) sum[v] += ra[v] - rb[v] - shift;
                rows++;
            }
        }
        for (int v = 0; v < vocab; v++) sum[v] /= rows;
        return sum;
    }

    /// <summary>Next-token probabilities of the mean residual difference read through the final norm and unembedding.</summary>
    private static double[] ActivationDifferenceProbabilities(IModelHandle model, IReadOnlyList<GenericText.Sequence> tuned, IReadOnlyList<GenericText.Sequence> reference)
    {
        int d = model.Info.HiddenSize;
        var mean = new double[d];
        long rows = 0;
        for (int s = 0; s < tuned.Count; s++)
        {
            var a = tuned[s].Activations; var b = reference[s].Activations;
            for (int r = 0; r < a.Rows; r++)
            {
                var ra = a.ReadRow(r); var rb = b.ReadRow(r);
                for (int j = 0; j < d; j++) mean[j] += ra[j] - rb[j];
                rows++;
            }
        }
        var delta = new Tensor([1, d], Array.ConvertAll(mean, m => (float)(m / rows)));
        double norm = Math.Sqrt(delta.Data.Sum(v => (double)v * v));
        if (norm < 1e-6) return new double[model.Info.VocabSize]; // no difference: no evidence
        var logits = model.Unembed(delta, applyFinalNorm: true);
        if (logits.Rows != 1 || logits.RowLength != model.Info.VocabSize)
            throw new MethodInputException($"{Name}: Unembed returned {logits} for one residual difference; expected [1, {model.Info.VocabSize}].");
        GenericText.CheckFinite(logits, "logits of the residual difference", Name);
        var row = logits.ReadRow(0);
        double z = LogSumExp(row);
        var p = new double[row.Length];
        for (int v = 0; v < row.Length; v++) p[v] = Math.Exp(row[v] - z);
        return p;
    }

    private static IEnumerable<(int Token, double Value)> TopIndices(double[] values, int k)
        => values.Select((v, i) => (Token: i, Value: v)).OrderByDescending(t => t.Value).ThenBy(t => t.Token).Take(k);

    private static double LogSumExp(ReadOnlySpan<float> x)
    {
        float max = float.NegativeInfinity;
        foreach (var v in x) if (v > max) max = v;
        double z = 0;
        foreach (var v in x) z += Math.Exp(v - max);
        return max + Math.Log(z);
    }
}
