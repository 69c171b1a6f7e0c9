namespace HonestyEngine.Engine.Metrics;

/// <summary>Positive and negative scores ranked once, for AUROC and its bootstrap.
/// Every distinct score value gets a tie group (ascending); each sample keeps only its group index. AUROC is then
/// the Mann-Whitney statistic with ties counted one half:
///   AUROC = sum over positives of (#negatives in lower groups + 0.5 * #negatives in the same group) / (P * N),
/// which equals scikit-learn's roc_auc_score (trapezoidal ROC area) including ties.
/// A bootstrap resample only redraws counts per group, so it costs O(P + N + groups) with no sort and no allocation.</summary>
internal sealed class RankedPairs
{
    private readonly int[] _positiveGroup;
    private readonly int[] _negativeGroup;
    /// <summary>Scratch, reused by every resample: per group, negative counts, then 2*below + same.</summary>
    private readonly long[] _negativeCount;

    public int Positives => _positiveGroup.Length;
    public int Negatives => _negativeGroup.Length;
    public int Groups => _negativeCount.Length;

    public RankedPairs(ReadOnlySpan<double> positives, ReadOnlySpan<double> negatives)
    {
        int total = positives.Length + negatives.Length;
        var values = new double[total];
        var owner = new int[total]; // >= 0: positive index; < 0: ~negative index
        positives.CopyTo(values);
        negatives.CopyTo(values.AsSpan(positives.Length));
        for (int i = 0; i < positives.Length; i++) owner[i] = i;
        for (int j = 0; j < negatives.Length; j++) owner[positives.Length + j] = ~j;
        Array.Sort(values, owner);

        _positiveGroup = new int[positives.Length];
        _negativeGroup = new int[negatives.Length];
        int group = -1;
        for (int k = 0; k < total; k++)
        {
            if (k == 0 || values[k] != values[k - 1]) group++;
            int o = owner[k];
            if (o >= 0) _positiveGroup[o] = group;
            else _negativeGroup[~o] = group;
        }
        _negativeCount = new long[group + 1];
    }

    /// <summary>AUROC of the samples as given (every sample counted once). Requires P > 0 and N > 0.</summary>
    public double Auroc()
    {
        var counts = _negativeCount.AsSpan();
        counts.Clear();
        foreach (int g in _negativeGroup) counts[g]++;
        ToTwiceBelowPlusSame(counts);
        long sum = 0;
        foreach (int g in _positiveGroup) sum += counts[g];
        return sum / (2.0 * Positives * Negatives);
    }

    /// <summary>AUROC of one stratified bootstrap resample: P positives and N negatives drawn with replacement
    /// from their own class, so both classes are always present.</summary>
    public double ResampledAuroc(ref SplitMix64 rng)
    {
        var counts = _negativeCount.AsSpan();
        counts.Clear();
        int p = Positives, n = Negatives;
        for (int j = 0; j < n; j++) counts[_negativeGroup[rng.NextInt(n)]]++;
        ToTwiceBelowPlusSame(counts);
        long sum = 0;
        for (int i = 0; i < p; i++) sum += counts[_positiveGroup[rng.NextInt(p)]];
        return sum / (2.0 * p * n);
    }

    /// <summary>counts[g] := 2 * (negatives in groups below g) + (negatives in g): twice the Mann-Whitney credit
    /// of a positive in group g, kept integral so sums are exact.</summary>
    private static void ToTwiceBelowPlusSame(Span<long> counts)
    {
        long below = 0;
        for (int g = 0; g < counts.Length; g++)
        {
            long same = counts[g];
            counts[g] = 2 * below + same;
            below += same;
        }
    }
}
