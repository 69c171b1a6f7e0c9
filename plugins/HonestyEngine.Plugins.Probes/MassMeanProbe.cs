using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("mass-mean-probe", Family = "white-box/probe", Anchor = "Marks & Tegmark 2024 (Geometry of Truth)",
    Description = "Difference-of-means probe: theta = mean(deceptive) - mean(honest) of response-mean-pooled residual "
        + "activations of the instructed pairs; score = theta . x. With CovarianceCorrection it is Marks & Tegmark's iid "
        + "variant, Sigma^-1 theta, Sigma the within-class covariance (class-centred data) plus a ridge of 1e-3 * its "
        + "mean variance so it stays invertible when there are fewer pairs than dimensions. Layer is a fraction of depth "
        + "(0.5 = middle, 0.2 = Liars' Bench's 20th percentile), since our models have a handful of layers.")]
public sealed class MassMeanProbe : IDetector
{
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    [Params(false, true)]
    public bool CovarianceCorrection { get; set; }

    /// <summary>Ridge added to Sigma, relative to its mean diagonal.</summary>
    public const double Ridge = 1e-3;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var (train, labels) = ProbeInputs.InstructedPairs(context);
        var x = ProbeInputs.ResidPost(context, train, layer, "mean");
        var direction = Direction(context.Compute, x, labels, CovarianceCorrection);
        return ProbeInputs.Project(context.Compute, ProbeInputs.ResidPost(context, transcripts, layer, "mean"),
            LinearAlgebra.ToFloat(direction), 0f, "mass-mean-probe");
    }

    /// <summary>The probe direction (unnormalised), exposed for tests that check it recovers a planted direction.</summary>
    internal static double[] Direction(IActivationCompute compute, Tensor x, float[] labels, bool covarianceCorrection)
    {
        int d = x.RowLength;
        var mean0 = LinearAlgebra.ClassMean(x, labels, 0);
        var mean1 = LinearAlgebra.ClassMean(x, labels, 1);
        var theta = new double[d];
        for (int j = 0; j < d; j++) theta[j] = mean1[j] - mean0[j];
        if (!covarianceCorrection) return theta;

        var centred = LinearAlgebra.CentreByClass(x, labels, mean0, mean1);
        var (_, sigma) = LinearAlgebra.MeanCovariance(compute, centred);
        LinearAlgebra.AddRelativeRidge(sigma, d, Ridge);
        return LinearAlgebra.CholeskySolve(LinearAlgebra.Cholesky(sigma, d, "within-class covariance"), d, theta);
    }
}
