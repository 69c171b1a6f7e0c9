using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("upper-bound-probe-privileged", Family = "white-box/probe (privileged upper bound)", Anchor = "Kretschmar et al. 2025 (Liars' Bench)",
    Description = "UPPER BOUND, NOT A DETECTOR: sees this testbed's eval labels. Liars' Bench's upper-bound probe: "
        + "Apollo-style z-scored L2 logistic regression (reg_coeff 10) on response-mean-pooled residual activations, "
        + "trained on the testbed's own labelled eval transcripts. Stratified 5-fold cross-fitting, so no eval transcript "
        + "is scored by a probe that saw it; unlabelled transcripts (control, counterfactual) are scored by a probe fitted on every "
        + "labelled one. Layer is a fraction of depth, default 0.2 as Liars' Bench's 20th-percentile layer.")]
[RequiresPrivilegedLabels]
public sealed class UpperBoundProbe : IDetector
{
    [Params(0.2, 0.5)]
    [QuickParams(0.2)]
    public double LayerFraction { get; set; } = 0.2;

    public int Folds { get; set; } = 5;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var labelled = new List<int>();
        for (int i = 0; i < transcripts.Count; i++)
            // Trained on eval only: control has no privileged labels, and counterfactual transcripts are scored, never trained on.
            if (transcripts[i].Split == Splits.Eval && context.PrivilegedLabels.ContainsKey(transcripts[i].Id)) labelled.Add(i);
        if (labelled.Count == 0)
            throw new MethodInputException($"upper-bound-probe-privileged got no privileged labels for testbed '{context.Testbed.Name}': the host must pass its eval labels (the method is marked [RequiresPrivilegedLabels]).");
        var labels = labelled.Select(i => (float)context.PrivilegedLabels[transcripts[i].Id]).ToArray();
        ProbeInputs.RequireBothClasses(labels, $"testbed '{context.Testbed.Name}' eval transcripts");
        int positives = labels.Count(y => y > 0.5f), negatives = labels.Length - positives;
        int folds = Math.Min(Folds, Math.Min(positives, negatives));
        if (folds < 2)
            throw new MethodInputException($"upper-bound-probe-privileged needs at least 2 lies and 2 honest eval transcripts to cross-fit (got {positives} lies, {negatives} honest).");

        var x = ProbeInputs.ResidPost(context, transcripts, layer, "mean");
        var scores = new double[transcripts.Count];
        var fold = StratifiedFolds(labels, folds, context.Seed);
        for (int f = 0; f < folds; f++)
        {
            var trainRows = labelled.Where((_, k) => fold[k] != f).ToArray();
            var trainLabels = labels.Where((_, k) => fold[k] != f).ToArray();
            var testRows = labelled.Where((_, k) => fold[k] == f).ToArray();
            var probe = StandardizedLogistic.Fit(context.Compute, LinearAlgebra.SelectRows(x, trainRows), trainLabels);
            var s = probe.Score(context.Compute, LinearAlgebra.SelectRows(x, testRows), "upper-bound-probe-privileged");
            for (int k = 0; k < testRows.Length; k++) scores[testRows[k]] = s[k];
        }

        var unlabelled = Enumerable.Range(0, transcripts.Count).Except(labelled).ToArray();
        if (unlabelled.Length > 0)
        {
            var full = StandardizedLogistic.Fit(context.Compute, LinearAlgebra.SelectRows(x, labelled.ToArray()), labels);
            var s = full.Score(context.Compute, LinearAlgebra.SelectRows(x, unlabelled), "upper-bound-probe-privileged");
            for (int k = 0; k < unlabelled.Length; k++) scores[unlabelled[k]] = s[k];
        }
        return scores;
    }

    /// <summary>Fold index per labelled row, each class spread evenly over the folds after a seeded shuffle.</summary>
    internal static int[] StratifiedFolds(float[] labels, int folds, int seed)
    {
        var fold = new int[labels.Length];
        var rng = new Random(seed);
        foreach (int cls in new[] { 0, 1 })
        {
            var rows = Enumerable.Range(0, labels.Length).Where(i => (labels[i] > 0.5f ? 1 : 0) == cls).ToArray();
            rng.Shuffle(rows);
            for (int k = 0; k < rows.Length; k++) fold[rows[k]] = k % folds;
        }
        return fold;
    }
}
