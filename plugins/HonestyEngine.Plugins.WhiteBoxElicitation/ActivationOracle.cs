using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

[Method("activation-oracle", Family = "white-box/elicitation", Anchor = "Karvonen et al. 2025 (Activation Oracles), scaled down",
    Description = "A reader trained on activations whose content is known, then asked about activations it has not seen. "
        + "Training: the residual stream after a middle block at every token of generic chat (instruction-following; 80% of "
        + "the conversations, the rest held out) and of raw-text runs of up to SweepTokens vocabulary entries in seeded "
        + "random order, each paired with the mean token embedding of the Window (4) tokens ending at that position (the "
        + "content the activation was computed from); the reader is a ridge regression from activations to that embedding "
        + "(lambda = 1e-2 relative). The vocabulary sweep is there because a least-squares reader can only answer within the "
        + "span of its training targets: trained on generic chat alone it cannot name a token that chat lacks once the model "
        + "is wider than that chat's vocabulary. Question answered: 'which tokens is this activation about?', decoded by "
        + "cosine similarity of the reader's centred output with every token embedding (IActivationCompute.TopK over the "
        + "vocabulary, so it can name tokens absent from its training text). Applied to the last Positions tokens of each "
        + "elicitation prompt plus the model's greedy answer; similarities summed per token, words absent from prompt and "
        + "answer are the guesses. The held-out accuracy (the current token among the reader's top 10) is logged and put in "
        + "the evidence. What is and is not Karvonen et al.'s method: theirs is a LoRA-tuned copy of the LLM that reads "
        + "activations injected over placeholder tokens and answers free-form questions, trained on system-prompt QA, seven "
        + "classification tasks and context prediction at scale; ours keeps only context prediction, as one fixed question "
        + "with a linear reader and a bag-of-tokens answer, trained on thousands of tokens (up to 4096).")]
public sealed class ActivationOracle : IElicitor
{
    private const string Name = "activation-oracle";

    [Params(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    /// <summary>Tokens (ending at the read position) whose mean embedding is the training target.</summary>
    public int Window { get; set; } = 4;
    public int MaxTrainingTokens { get; set; } = 4096;
    /// <summary>Vocabulary entries (seeded random order) also read as raw text, so the reader's output spans the whole
    /// embedding space: a least-squares reader can only answer within the span of the tokens it was trained on.</summary>
    public int SweepTokens { get; set; } = 4096;
    public double Ridge { get; set; } = 1e-2;
    public int Positions { get; set; } = 16;
    public int TopTokens { get; set; } = 10;
    public int Guesses { get; set; } = 5;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        if (Window < 1) throw new MethodInputException($"{Name}: window {Window} must be at least 1 token.");
        int layer = context.LayerAtFraction(LayerFraction, Name);
        string hook = HookNames.ResidPost(layer);
        var model = context.Model;
        var embeddings = model.TokenEmbeddings();
        if (embeddings.Rank != 2 || embeddings.RowLength != model.Info.HiddenSize)
            throw new MethodInputException($"{Name}: token embeddings have shape {embeddings}, expected [vocab, {model.Info.HiddenSize}].");
        var prompts = GenericText.Prompts(context, Name, 1024);
        if (items.Count == 0) return [];

        int maxTokens = context.Profile == RunProfile.Quick ? MaxTrainingTokens / 4 : MaxTrainingTokens;
        var sequences = GenericText.Read(model, prompts, hook, maxTokens, false, Name, context.CancellationToken);
        // Quick profile: a quarter of the sweep, but never fewer than 4 d tokens (the reader must still span the space).
        int sweepTokens = context.Profile == RunProfile.Quick ? Math.Min(SweepTokens, Math.Max(SweepTokens / 4, 4 * model.Info.HiddenSize)) : SweepTokens;
        var sweep = sweepTokens > 0
            ? GenericText.Read(model, VocabularySweep(model.Tokenizer, Math.Min(sweepTokens, model.Info.VocabSize), context.Seed), hook, int.MaxValue, false, Name, context.CancellationToken)
            : [];
        if (sequences.Count < 2) throw new MethodInputException($"{Name}: resource '{ResourceNames.InstructionFollowing}' gave {sequences.Count} conversation(s); the reader needs at least 2 (one held out).");
        int trainCount = Math.Clamp((int)Math.Round(sequences.Count * 0.8), 1, sequences.Count - 1);
        var (x, y) = Examples(sequences.Take(trainCount).Concat(sweep), embeddings);
        if (x.Rows <= model.Info.HiddenSize / 4)
            throw new MethodInputException($"{Name}: only {x.Rows} training tokens for a reader of width {model.Info.HiddenSize}; add generic text.");
        var reader = RidgeRegression.Fit(context.Compute, x, y, Ridge, Name);
        double heldOut = HeldOutAccuracy(context.Compute, reader, sequences.Skip(trainCount).ToList(), embeddings);
        context.Log($"{Name}: layer {layer}, reader trained on {x.Rows} tokens, held-out current-token top-10 accuracy {heldOut:P0}");

        int vocab = embeddings.Rows, k = Math.Min(TopTokens, vocab);
        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            var readout = ResidualReadout.Read(context, item, [hook], Positions, Name);
            var answer = reader.PredictCentred(context.Compute, readout.Activations[hook]);
            var indices = new int[answer.Rows * k];
            var values = new float[answer.Rows * k];
            context.Compute.TopK(answer.Data, answer.Rows, answer.RowLength, embeddings.Data, vocab, k, cosine: true, indices, values);
            var votes = new TokenVotes(model.Tokenizer);
            for (int i = 0; i < indices.Length; i++)
                if (float.IsFinite(values[i])) votes.Add(indices[i], Math.Max(0, values[i]));
            var top = votes.Top(Guesses, readout.Texts);
            outcomes.Add(new ElicitationOutcome(item.Id, top.Select(t => t.Word).ToList(),
                $"layer {layer}; reader held-out top-10 accuracy {heldOut:P0}; answer: {readout.Response}\n"
                + $"top tokens: {string.Join(", ", top.Select(t => $"{t.Word} ({t.Score:F2})"))}"));
        }
        return outcomes;
    }

    /// <summary>Raw-text sequences of 16 tokens covering <paramref name="count"/> vocabulary entries in a seeded random
    /// order (all of them when count = vocabulary size), special tokens skipped by the decoder.</summary>
    private static List<Prompt> VocabularySweep(ITokenizer tokenizer, int count, int seed)
    {
        var ids = Enumerable.Range(0, tokenizer.VocabSize).ToArray();
        new Random(seed).Shuffle(ids);
        var prompts = new List<Prompt>();
        for (int start = 0; start < count; start += 16)
        {
            string text = tokenizer.Decode(ids.AsSpan(start, Math.Min(16, count - start)), skipSpecialTokens: true);
            if (!string.IsNullOrWhiteSpace(text)) prompts.Add(Prompt.Raw(text));
        }
        return prompts;
    }

    /// <summary>Activations [tokens, d] and their targets: the mean embedding of the Window tokens ending at each position.</summary>
    private (Tensor X, Tensor Y) Examples(IEnumerable<GenericText.Sequence> sequences, Tensor embeddings)
    {
        var list = sequences.ToList();
        var x = GenericText.Stack(list.Select(s => s.Activations));
        int d = embeddings.RowLength;
        var y = new Tensor([x.Rows, d]);
        int row = 0;
        foreach (var s in list)
            for (int t = 0; t < s.TokenIds.Length; t++, row++)
            {
                var target = y.Row(row);
                int from = Math.Max(0, t - Window + 1);
                for (int u = from; u <= t; u++)
                {
                    int id = s.TokenIds[u];
                    if ((uint)id >= (uint)embeddings.Rows) throw new MethodInputException($"{Name}: token id {id} is outside the embedding matrix ({embeddings.Rows} rows).");
                    var e = embeddings.ReadRow(id);
                    for (int j = 0; j < d; j++) target[j] += e[j] / (t - from + 1);
                }
            }
        return (x, y);
    }

    /// <summary>Share of held-out positions whose own token is among the reader's 10 most cosine-similar tokens.</summary>
    private static double HeldOutAccuracy(IActivationCompute compute, RidgeRegression reader, IReadOnlyList<GenericText.Sequence> heldOut, Tensor embeddings)
    {
        var x = GenericText.Stack(heldOut.Select(s => s.Activations));
        var tokens = heldOut.SelectMany(s => s.TokenIds).ToArray();
        var answer = reader.PredictCentred(compute, x);
        int k = Math.Min(10, embeddings.Rows);
        var indices = new int[answer.Rows * k];
        compute.TopK(answer.Data, answer.Rows, answer.RowLength, embeddings.Data, embeddings.Rows, k, cosine: true, indices, new float[answer.Rows * k]);
        int hits = 0;
        for (int r = 0; r < answer.Rows; r++)
            if (indices.AsSpan(r * k, k).Contains(tokens[r])) hits++;
        return answer.Rows == 0 ? double.NaN : (double)hits / answer.Rows;
    }
}
