namespace HonestyEngine.Training;

/// <summary>One training sequence: token ids and, per token, whether it is a loss target (predicted
/// from the tokens before it). Null mask = every token after the first is a target (pretraining);
/// for chat SFT mark only the assistant tokens.</summary>
public sealed record TrainingExample(int[] TokenIds, bool[]? LossMask = null)
{
    /// <summary>Number of tokens that contribute to the loss.</summary>
    public int TargetCount
    {
        get
        {
            int n = 0;
            for (int t = 1; t < TokenIds.Length; t++) if (LossMask is null || LossMask[t]) n++;
            return n;
        }
    }
}
