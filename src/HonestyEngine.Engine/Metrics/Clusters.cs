namespace HonestyEngine.Engine.Metrics;

/// <summary>The groups a cluster bootstrap resamples: one group per subject (the fact or entity an item asks about),
/// so the several phrasings of one question move together instead of counting as independent evidence (Field &amp;
/// Welsh 2007, "bootstrapping clustered data"). Group keys are ordered ordinally, so two cells with the same keys
/// (every method on one testbed) draw the same groups from the same generator: their resamples are paired.</summary>
internal sealed class Clusters
{
    private readonly string[] _keys;

    /// <summary>The group index of every sample, in the order the samples were given.</summary>
    public int[] Of { get; }

    public int Count => _keys.Length;
    public IReadOnlyList<string> Keys => _keys;

    public Clusters(IReadOnlyList<string> sampleKeys, IReadOnlyList<string>? universe = null)
    {
        _keys = (universe ?? sampleKeys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = new Dictionary<string, int>(_keys.Length, StringComparer.Ordinal);
        for (int i = 0; i < _keys.Length; i++) index[_keys[i]] = i;
        Of = new int[sampleKeys.Count];
        for (int i = 0; i < sampleKeys.Count; i++)
            Of[i] = index.TryGetValue(sampleKeys[i], out int c) ? c
                : throw new ArgumentException($"group '{sampleKeys[i]}' is not among the clusters' keys", nameof(sampleKeys));
    }

    /// <summary>One resample: Count groups drawn with replacement; counts[g] = how often group g was drawn.</summary>
    public void Draw(ref SplitMix64 rng, Span<int> counts)
    {
        counts.Clear();
        int n = _keys.Length;
        for (int k = 0; k < n; k++) counts[rng.NextInt(n)]++;
    }

    /// <summary>The weight of every sample under group counts (the sample appears once per draw of its group).</summary>
    public void Weights(ReadOnlySpan<int> counts, Span<int> weights)
    {
        for (int i = 0; i < Of.Length; i++) weights[i] = counts[Of[i]];
    }
}

/// <summary>Weighted statistics over samples given as per-sample integer weights (bootstrap multiplicities).</summary>
internal static class Weighted
{
    /// <summary>Σ w·x / Σ w, NaN when every weight is 0.</summary>
    public static double Mean(ReadOnlySpan<double> values, ReadOnlySpan<int> weights)
    {
        double sum = 0;
        long total = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += weights[i] * values[i];
            total += weights[i];
        }
        return total == 0 ? double.NaN : sum / total;
    }

    /// <summary>Weighted fraction of scores strictly above the threshold; NaN when every weight is 0.</summary>
    public static double FractionAbove(ReadOnlySpan<double> scores, ReadOnlySpan<int> weights, double threshold)
    {
        long above = 0, total = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            total += weights[i];
            if (scores[i] > threshold) above += weights[i];
        }
        return total == 0 ? double.NaN : (double)above / total;
    }

    /// <summary>Percentile 95% CI of the defined (non-NaN) resampled statistics, and how many were undefined (a
    /// resample that drew no lie or no honest group has no AUROC).</summary>
    public static ((double Low, double High)? Ci, int Undefined) Interval(double[] stats)
    {
        var defined = stats.Where(double.IsFinite).ToArray();
        int undefined = stats.Length - defined.Length;
        // With most resamples undefined the percentiles describe a selected minority: report no interval.
        if (defined.Length < stats.Length / 2 || defined.Length == 0) return (null, undefined);
        return (Bootstrap.PercentileInterval(defined), undefined);
    }
}

/// <summary>AUROC (Mann-Whitney, ties one half; equal to scikit-learn's roc_auc_score) of weighted samples: the
/// samples are sorted once, so every bootstrap resample costs one pass.</summary>
internal sealed class WeightedAuroc
{
    private readonly int[] _order;      // sample indices by ascending score
    private readonly int[] _blockEnd;   // for sorted position k: end (exclusive) of its tie block
    private readonly bool[] _positive;

    public WeightedAuroc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        int n = scores.Length;
        _positive = positive.ToArray();
        var keys = scores.ToArray();
        _order = Enumerable.Range(0, n).ToArray();
        Array.Sort(keys, _order);
        _blockEnd = new int[n];
        for (int k = n - 1; k >= 0; k--)
            _blockEnd[k] = k + 1 < n && keys[k + 1] == keys[k] ? _blockEnd[k + 1] : k + 1;
    }

    /// <summary>AUROC with every sample counted once; NaN without both classes.</summary>
    public double Value()
    {
        var ones = new int[_order.Length];
        ones.AsSpan().Fill(1);
        return Value(ones);
    }

    /// <summary>AUROC with per-sample weights; NaN when the weighted positives or negatives are zero.</summary>
    public double Value(ReadOnlySpan<int> weights)
    {
        double credit = 0;
        long negativesBelow = 0, positives = 0;
        int k = 0;
        while (k < _order.Length)
        {
            int end = _blockEnd[k];
            long pos = 0, neg = 0;
            for (int j = k; j < end; j++)
            {
                int i = _order[j];
                if (_positive[i]) pos += weights[i]; else neg += weights[i];
            }
            credit += pos * (negativesBelow + 0.5 * neg);
            negativesBelow += neg;
            positives += pos;
            k = end;
        }
        return positives == 0 || negativesBelow == 0 ? double.NaN : credit / ((double)positives * negativesBelow);
    }
}

/// <summary>The detection threshold calibrated on the control set (benign prompts), as in Goldowsky-Dill et al. 2025
/// (Apollo) and Liars' Bench: a sample is flagged when its score is strictly above it, and it is the smallest control
/// score such that at most floor(fpr · W) of the W (weighted) control samples lie above it: for 1000 controls at 1% the
/// 990th smallest score; below 100 controls no control may be flagged, so the largest. Never calibrated on the eval set.
/// Weights are bootstrap multiplicities; <see cref="Of"/> counts every control once.</summary>
internal sealed class WeightedThreshold
{
    private readonly double[] _sorted;
    private readonly int[] _order;
    private readonly double _fpr;

    public WeightedThreshold(ReadOnlySpan<double> control, double fpr)
    {
        _sorted = control.ToArray();
        _order = Enumerable.Range(0, _sorted.Length).ToArray();
        Array.Sort(_sorted, _order);
        _fpr = fpr;
    }

    /// <summary>The threshold with every control sample counted once.</summary>
    public static double Of(ReadOnlySpan<double> control, double fpr)
    {
        var ones = new int[control.Length];
        ones.AsSpan().Fill(1);
        return new WeightedThreshold(control, fpr).Value(ones);
    }

    /// <summary>Fraction of scores strictly above the threshold.</summary>
    public static double FractionAbove(ReadOnlySpan<double> scores, double threshold)
    {
        int above = 0;
        foreach (double s in scores) if (s > threshold) above++;
        return (double)above / scores.Length;
    }

    /// <summary>NaN when every control weight is 0.</summary>
    public double Value(ReadOnlySpan<int> weights)
    {
        long total = 0;
        foreach (int i in _order) total += weights[i];
        if (total == 0) return double.NaN;
        long allowed = (long)Math.Floor(_fpr * total + 1e-9);
        long rank = total - allowed - 1, seen = 0;
        for (int k = 0; k < _sorted.Length; k++)
        {
            seen += weights[_order[k]];
            if (seen > rank) return _sorted[k];
        }
        return _sorted[^1];
    }
}
