using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

[Method("logit-lens", Family = "white-box/elicitation", Anchor = "nostalgebraist 2020; Cywinski et al. 2025",
    Description = "Logit lens at every layer: the residual stream after each block, over the last Positions tokens of the "
        + "elicitation prompt and the model's own (greedy) answer, is passed through the final norm and unembedding; "
        + "the top-TopTokens next-token probabilities of every (layer, position) are summed per token, and the best "
        + "words that appear neither in the prompt nor in the answer are the guesses. Cywinski et al. read one layer of "
        + "Gemma-2-9B; with a handful of layers we pool all of them, as the issue asks.")]
public sealed class LogitLens : IElicitor
{
    public int Positions { get; set; } = 16;
    public int TopTokens { get; set; } = 10;
    public int Guesses { get; set; } = 5;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        var model = context.Model;
        int layers = model.Info.NumLayers;
        var hooks = Enumerable.Range(0, layers).Select(HookNames.ResidPost).ToList();
        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            var readout = ResidualReadout.Read(context, item, hooks, Positions, "logit-lens");
            var votes = new TokenVotes(model.Tokenizer);
            foreach (var hook in hooks)
            {
                var logits = model.Unembed(readout.Activations[hook], applyFinalNorm: true);
                int rows = readout.Activations[hook].Rows;
                if (logits.Rows != rows || logits.RowLength != model.Info.VocabSize)
                    throw new MethodInputException($"logit-lens: Unembed returned {logits} for {rows} rows; expected [{rows}, {model.Info.VocabSize}].");
                for (int r = 0; r < rows; r++) AddTopProbabilities(logits.ReadRow(r), TopTokens, votes);
            }
            var top = votes.Top(Guesses, readout.Texts);
            outcomes.Add(new ElicitationOutcome(item.Id, top.Select(t => t.Word).ToList(),
                $"answer: {readout.Response}\ntop tokens: {string.Join(", ", top.Select(t => $"{t.Word} ({t.Score:F2})"))}"));
        }
        return outcomes;
    }

    /// <summary>Softmax of one logit row, then its k largest probabilities (times <paramref name="weight"/>) into the votes.</summary>
    internal static void AddTopProbabilities(ReadOnlySpan<float> logits, int k, TokenVotes votes, double weight = 1)
    {
        float max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            if (!float.IsFinite(v)) throw new MethodInputException($"logit-lens: Unembed returned a non-finite logit ({v}).");
            if (v > max) max = v;
        }
        double z = 0;
        foreach (var v in logits) z += Math.Exp(v - max);
        var best = new PriorityQueue<int, float>();
        for (int i = 0; i < logits.Length; i++)
        {
            if (best.Count < k) best.Enqueue(i, logits[i]);
            else if (best.TryPeek(out _, out float smallest) && logits[i] > smallest) best.EnqueueDequeue(i, logits[i]);
        }
        while (best.TryDequeue(out int token, out float logit)) votes.Add(token, weight * Math.Exp(logit - max) / z);
    }
}
