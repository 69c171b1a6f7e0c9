using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("logistic-probe", Family = "white-box/probe", Anchor = "Goldowsky-Dill et al. 2025 (Apollo)",
    Description = "Logistic-regression deception probe trained off-policy on the instructed honest/deceptive pairs, "
        + "applied to the testbed's transcripts. Parameters follow Apollo: activations of the residual stream mean-pooled "
        + "over the response tokens, z-scored, L2 logistic regression with reg_coeff 10. Layer is a fraction of depth: "
        + "0.5 is Apollo's middle layer, 0.2 Liars' Bench's 20th-percentile layer; fractions, not Apollo's layer 22 of 80, "
        + "because our models have a handful of layers.")]
public sealed class LogisticProbe : IDetector
{
    /// <summary>Depth fraction of the probed layer: round(f * (NumLayers - 1)).</summary>
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var (train, labels) = ProbeInputs.InstructedPairs(context);
        var xTrain = ProbeInputs.ResidPost(context, train, layer, "mean");
        var probe = StandardizedLogistic.Fit(context.Compute, xTrain, labels);
        context.Log($"logistic-probe: layer {layer}, trained on {train.Count} instructed pairs");
        return probe.Score(context.Compute, ProbeInputs.ResidPost(context, transcripts, layer, "mean"), "logistic-probe");
    }
}
