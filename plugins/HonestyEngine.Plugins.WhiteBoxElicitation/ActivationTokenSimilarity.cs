using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.WhiteBoxElicitation;

[Method("activation-token-similarity", Family = "white-box/elicitation", Anchor = "Cywinski et al. 2025",
    Description = "Residual-stream activations after a middle block (LayerFraction of depth), over the last Positions "
        + "tokens of the elicitation prompt and the model's greedy answer, compared by cosine similarity with every row "
        + "of the token embedding matrix (IActivationCompute.TopK over the full vocabulary); the top TopTokens "
        + "similarities per position are summed per token and the best words absent from prompt and answer are the "
        + "guesses (Cywinski et al.'s activation-token embedding similarity).")]
public sealed class ActivationTokenSimilarity : IElicitor
{
    [Params(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public int Positions { get; set; } = 16;
    public int TopTokens { get; set; } = 10;
    public int Guesses { get; set; } = 5;

    public IReadOnlyList<ElicitationOutcome> Elicit(MethodContext context, IReadOnlyList<PromptItem> items)
    {
        int layer = context.LayerAtFraction(LayerFraction, "activation-token-similarity");
        var model = context.Model;
        string hook = HookNames.ResidPost(layer);
        var embeddings = model.TokenEmbeddings();
        if (embeddings.Rank != 2 || embeddings.RowLength != model.Info.HiddenSize)
            throw new MethodInputException($"activation-token-similarity: token embeddings have shape {embeddings}, expected [vocab, {model.Info.HiddenSize}].");
        int vocab = embeddings.Rows, k = Math.Min(TopTokens, vocab);
        var outcomes = new List<ElicitationOutcome>(items.Count);
        foreach (var item in items)
        {
            var readout = ResidualReadout.Read(context, item, [hook], Positions, "activation-token-similarity");
            var x = readout.Activations[hook];
            var indices = new int[x.Rows * k];
            var values = new float[x.Rows * k];
            context.Compute.TopK(x.Data, x.Rows, x.RowLength, embeddings.Data, vocab, k, cosine: true, indices, values);
            var votes = new TokenVotes(model.Tokenizer);
            for (int i = 0; i < indices.Length; i++) votes.Add(indices[i], Math.Max(0, values[i]));
            var top = votes.Top(Guesses, readout.Texts);
            outcomes.Add(new ElicitationOutcome(item.Id, top.Select(t => t.Word).ToList(),
                $"layer {layer}; answer: {readout.Response}\ntop tokens: {string.Join(", ", top.Select(t => $"{t.Word} ({t.Score:F2})"))}"));
        }
        return outcomes;
    }
}
