using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("lda-probe", Family = "white-box/probe", Anchor = "Fisher 1936; Ledoit & Wolf 2004 (as sklearn LDA, shrinkage='auto')",
    Description = "Linear discriminant analysis on the instructed pairs: w = Sigma_LW^-1 (mean(deceptive) - mean(honest)), "
        + "Sigma_LW the pooled within-class covariance shrunk with the Ledoit-Wolf intensity (sklearn's "
        + "LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto')); score = w.x minus the midpoint of the projected "
        + "class means, so 0 is LDA's equal-prior boundary. Differs from the iid mass-mean probe by the data-chosen "
        + "shrinkage. Residual activations mean-pooled over the response; layer as a fraction of depth "
        + "(0.5 = middle, 0.2 = Liars' Bench's 20th percentile) for our few-layer models.")]
public sealed class LdaProbe : IDetector
{
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var (train, labels) = ProbeInputs.InstructedPairs(context);
        var x = ProbeInputs.ResidPost(context, train, layer, "mean");
        int d = x.RowLength;
        var mean0 = LinearAlgebra.ClassMean(x, labels, 0);
        var mean1 = LinearAlgebra.ClassMean(x, labels, 1);
        var (sigma, shrinkage) = LinearAlgebra.LedoitWolf(context.Compute, LinearAlgebra.CentreByClass(x, labels, mean0, mean1));
        LinearAlgebra.AddRelativeRidge(sigma, d, 1e-9); // only guards exact singularity when the shrinkage is 0
        var diff = new double[d];
        for (int j = 0; j < d; j++) diff[j] = mean1[j] - mean0[j];
        var w = LinearAlgebra.CholeskySolve(LinearAlgebra.Cholesky(sigma, d, "Ledoit-Wolf covariance"), d, diff);
        double midpoint = 0;
        for (int j = 0; j < d; j++) midpoint += w[j] * 0.5 * (mean0[j] + mean1[j]);
        context.Log($"lda-probe: layer {layer}, Ledoit-Wolf shrinkage {shrinkage:F3}");
        return ProbeInputs.Project(context.Compute, ProbeInputs.ResidPost(context, transcripts, layer, "mean"),
            LinearAlgebra.ToFloat(w), (float)-midpoint, "lda-probe");
    }
}
