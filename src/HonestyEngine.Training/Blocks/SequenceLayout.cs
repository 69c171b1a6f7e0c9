namespace HonestyEngine.Training.Blocks;

/// <summary>How a batch of variable-length sequences is packed into rows: sequence s is rows
/// [Offsets[s], Offsets[s] + Lengths[s]), with positions restarting at 0. Packing without padding
/// is equivalent to a padded batch with an attention mask, without computing the padding.</summary>
public sealed class SequenceLayout
{
    public int[] Offsets { get; }
    public int[] Lengths { get; }
    /// <summary>Per sequence, the sum of L^2 over earlier sequences (index into saved probabilities, per head).</summary>
    public long[] ProbabilityOffsets { get; }
    /// <summary>Position id of every row.</summary>
    public int[] Positions { get; }
    public int Rows { get; }
    public int Count => Lengths.Length;

    public SequenceLayout(IReadOnlyList<int> lengths)
    {
        Lengths = new int[lengths.Count];
        Offsets = new int[lengths.Count];
        ProbabilityOffsets = new long[lengths.Count];
        int rows = 0; long probs = 0;
        for (int s = 0; s < lengths.Count; s++)
        {
            if (lengths[s] <= 0) throw new ArgumentException($"Sequence {s} is empty.");
            Lengths[s] = lengths[s];
            Offsets[s] = rows;
            ProbabilityOffsets[s] = probs;
            rows += lengths[s];
            probs += (long)lengths[s] * lengths[s];
        }
        Rows = rows;
        Positions = new int[rows];
        for (int s = 0; s < Count; s++)
            for (int t = 0; t < Lengths[s]; t++) Positions[Offsets[s] + t] = t;
    }
}
