using HonestyEngine.Training.Blocks;

namespace HonestyEngine.Training;

/// <summary>A batch of examples packed into rows (see <see cref="SequenceLayout"/>), with the rows
/// whose next token is a loss target. Built and validated once per step.</summary>
public sealed class TrainingBatch
{
    public int[] Tokens { get; }
    public SequenceLayout Layout { get; }
    /// <summary>Rows whose logits enter the loss, and the token each must predict.</summary>
    public int[] LossRows { get; }
    public int[] LossTargets { get; }
    public int Rows => Layout.Rows;

    private TrainingBatch(int[] tokens, SequenceLayout layout, int[] lossRows, int[] lossTargets)
    {
        Tokens = tokens; Layout = layout; LossRows = lossRows; LossTargets = lossTargets;
    }

    /// <summary>Packs examples. Every error names the example index and what is wrong.</summary>
    public static TrainingBatch Create(IReadOnlyList<TrainingExample> examples, int vocabSize, int maxPositions)
    {
        if (examples.Count == 0) throw new ArgumentException("A training batch needs at least one example.");
        var lengths = new int[examples.Count];
        var tokens = new List<int>();
        var rows = new List<int>();
        var targets = new List<int>();
        for (int s = 0; s < examples.Count; s++)
        {
            var ex = examples[s] ?? throw new ArgumentException($"Training example {s} is null.");
            ex.Validate(s, vocabSize, maxPositions);
            var ids = ex.TokenIds;
            int offset = tokens.Count;
            for (int t = 0; t < ids.Length; t++)
            {
                tokens.Add(ids[t]);
                if (t > 0 && (ex.LossMask is null || ex.LossMask[t])) { rows.Add(offset + t - 1); targets.Add(ids[t]); }
            }
            lengths[s] = ids.Length;
        }
        return new TrainingBatch(tokens.ToArray(), new SequenceLayout(lengths), rows.ToArray(), targets.ToArray());
    }

    /// <summary>A single sequence whose logits are wanted at every position (no loss).</summary>
    public static TrainingBatch ForLogits(int[] tokenIds, int vocabSize, int maxPositions)
    {
        var b = Create([new TrainingExample(tokenIds, new bool[tokenIds.Length])], vocabSize, maxPositions);
        return new TrainingBatch(b.Tokens, b.Layout, Enumerable.Range(0, tokenIds.Length).ToArray(), Enumerable.Repeat(-1, tokenIds.Length).ToArray());
    }
}
