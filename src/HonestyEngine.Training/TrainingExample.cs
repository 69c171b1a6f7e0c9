namespace HonestyEngine.Training;

/// <summary>One training sequence: token ids and, per token, whether it is a loss target (predicted
/// from the tokens before it). Null mask = every token after the first is a target (pretraining);
/// for chat SFT mark only the assistant tokens.</summary>
public sealed record TrainingExample(int[] TokenIds, bool[]? LossMask = null)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the example and what is wrong.</summary>
    public void Validate(int index, int vocabSize, int maxPositions)
    {
        if (TokenIds is null) throw new ArgumentException($"Training example {index} has no token ids.");
        if (TokenIds.Length == 0) throw new ArgumentException($"Training example {index} is empty.");
        if (TokenIds.Length > maxPositions)
            throw new ArgumentException($"Training example {index} has {TokenIds.Length} tokens; the model's max_position_embeddings is {maxPositions}.");
        if (LossMask is not null && LossMask.Length != TokenIds.Length)
            throw new ArgumentException($"Training example {index}: loss mask has {LossMask.Length} entries for {TokenIds.Length} tokens.");
        for (int t = 0; t < TokenIds.Length; t++)
            if ((uint)TokenIds[t] >= (uint)vocabSize)
                throw new ArgumentException($"Training example {index}: token id {TokenIds[t]} at position {t} is outside the vocabulary (size {vocabSize}).");
    }

    /// <summary>Number of tokens that contribute to the loss.</summary>
    public int TargetCount
    {
        get
        {
            int n = 0;
            for (int t = 1; t < TokenIds.Length; t++) if (LossMask is null || (t < LossMask.Length && LossMask[t])) n++;
            return n;
        }
    }
}
