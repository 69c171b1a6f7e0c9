using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("mahalanobis-anomaly", Family = "white-box/anomaly", Anchor = "Lee et al. 2018 (Mahalanobis OOD); Goldowsky-Dill et al. 2025 (Alpaca control)",
    Description = "Unsupervised anomaly score: the squared Mahalanobis distance of a transcript's response-mean-pooled "
        + "residual activation from the testbed's control (benign chat) transcripts, with a Ledoit-Wolf shrunk covariance "
        + "because there are usually fewer control transcripts than hidden dimensions. Control transcripts are scored by "
        + "5-fold cross-fitting, so the control scores used for threshold calibration are out-of-sample like the eval "
        + "ones. No labels of any kind. Layer is a fraction of depth (0.5 = middle, 0.2 = Liars' Bench).")]
public sealed class MahalanobisAnomaly : IDetector
{
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public int Folds { get; set; } = 5;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var control = ProbeInputs.IndicesOfSplit(transcripts, Splits.Control);
        if (control.Length < 4)
            throw new MethodInputException($"mahalanobis-anomaly needs at least 4 control transcripts of testbed '{context.Testbed.Name}' as its reference set, got {control.Length}.");
        var x = ProbeInputs.ResidPost(context, transcripts, layer, "mean");
        var scores = new double[transcripts.Count];
        var controlSet = new HashSet<int>(control);

        int folds = Math.Min(Folds, control.Length / 2);
        var order = (int[])control.Clone();
        new Random(context.Seed).Shuffle(order);
        for (int f = 0; f < folds; f++)
        {
            var held = order.Where((_, k) => k % folds == f).ToArray();
            var fit = order.Where((_, k) => k % folds != f).ToArray();
            ScoreRows(context.Compute, x, fit, held, scores);
        }
        ScoreRows(context.Compute, x, control, Enumerable.Range(0, transcripts.Count).Where(i => !controlSet.Contains(i)).ToArray(), scores);
        return scores;
    }

    private static void ScoreRows(IActivationCompute compute, Tensor x, int[] reference, int[] rows, double[] scores)
    {
        if (rows.Length == 0) return;
        int d = x.RowLength;
        var refX = LinearAlgebra.SelectRows(x, reference);
        var mean = new double[d];
        for (int i = 0; i < refX.Rows; i++) { var r = refX.ReadRow(i); for (int j = 0; j < d; j++) mean[j] += r[j]; }
        for (int j = 0; j < d; j++) mean[j] /= refX.Rows;
        var centred = new Tensor([refX.Rows, d]);
        for (int i = 0; i < refX.Rows; i++) { var r = refX.ReadRow(i); var c = centred.Row(i); for (int j = 0; j < d; j++) c[j] = (float)(r[j] - mean[j]); }
        var (cov, _) = LinearAlgebra.LedoitWolf(compute, centred);
        LinearAlgebra.AddRelativeRidge(cov, d, 1e-6);
        var chol = LinearAlgebra.Cholesky(cov, d, "control-set covariance");
        var diff = new double[d];
        foreach (int i in rows)
        {
            var r = x.ReadRow(i);
            for (int j = 0; j < d; j++) diff[j] = r[j] - mean[j];
            var solved = LinearAlgebra.CholeskySolve(chol, d, diff);
            double m = 0;
            for (int j = 0; j < d; j++) m += diff[j] * solved[j];
            if (!double.IsFinite(m)) throw new MethodInputException($"mahalanobis-anomaly produced a non-finite distance for transcript {i}.");
            scores[i] = m;
        }
    }
}
