using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("last-token-probe", Family = "white-box/probe", Anchor = "Wang et al. 2025; Goldowsky-Dill et al. 2025 (Apollo)",
    Description = "Apollo's logistic-regression probe read at the final token of the response instead of the mean over it: "
        + "Wang et al.'s variant, which raised AUROC from 0.70 to 0.82 on Haiku 3.5. Trained on the instructed pairs, "
        + "z-scored, L2 logistic regression with Apollo's reg_coeff 10. Layer is a fraction of depth (0.5 = middle, "
        + "0.2 = Liars' Bench's 20th percentile), because our models are a few layers deep.")]
public sealed class LastTokenProbe : IDetector
{
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var (train, labels) = ProbeInputs.InstructedPairs(context);
        var probe = StandardizedLogistic.Fit(context.Compute, ProbeInputs.ResidPost(context, train, layer, "last"), labels);
        return probe.Score(context.Compute, ProbeInputs.ResidPost(context, transcripts, layer, "last"), "last-token-probe");
    }
}
