using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Probes;

[Method("ccs", Family = "white-box/probe", Anchor = "Burns et al. 2023 (CCS)",
    Description = "Contrast-consistent search, unsupervised: a linear-sigmoid probe on last-token residual activations "
        + "of contrast pairs (each true/false statement answered 'True' and 'False'), each half normalised separately, "
        + "trained to be consistent, p(x+) = 1 - p(x-), and confident, min(p(x+), p(x-)) -> 0. Burns et al.'s settings: "
        + "full-batch Adam, lr 1e-3, weight decay 0.01, 1000 epochs, 10 random restarts keeping the lowest loss. The "
        + "sign (which CCS cannot know) is fixed on the statements' own truth values, never on eval labels. A transcript "
        + "scores 1 - p(its response is true), read at its last token. Layer is a fraction of depth (0.5 = middle, "
        + "0.2 = Liars' Bench) for our few-layer models.")]
public sealed class CcsProbe : IDetector
{
    [Params(0.5, 0.2)]
    [QuickParams(0.5)]
    public double LayerFraction { get; set; } = 0.5;

    public int Epochs { get; set; } = 1000;
    public int Restarts { get; set; } = 10;
    public double LearningRate { get; set; } = 1e-3;
    public double WeightDecay { get; set; } = 0.01;

    public IReadOnlyList<double> Score(DetectorContext context, IReadOnlyList<Transcript> transcripts)
    {
        int layer = context.LayerAtFraction(LayerFraction);
        var (pos, neg, truth) = ContrastPairs.Build(context);
        var xPos = ProbeInputs.ResidPost(context, pos, layer, "last");
        var xNeg = ProbeInputs.ResidPost(context, neg, layer, "last");
        var probe = CcsTrainer.Train(xPos, xNeg, truth, Epochs, Restarts, LearningRate, WeightDecay, context.Seed);
        context.Log($"ccs: layer {layer}, loss {probe.Loss:F4}, sign-fixing accuracy {probe.TrainAccuracy:F3}");

        // Transcripts are normalised with the statistics of both halves together (a transcript is neither x+ nor x-).
        var joint = Standardizer.Fit(Concat(xPos, xNeg));
        var z = joint.Transform(ProbeInputs.ResidPost(context, transcripts, layer, "last"));
        var scores = ProbeInputs.Project(context.Compute, z, probe.Weights, probe.Bias, "ccs");
        for (int i = 0; i < scores.Length; i++) scores[i] = -scores[i]; // logit of p(false)
        return scores;
    }

    private static Tensor Concat(Tensor a, Tensor b)
    {
        var c = new Tensor([a.Rows + b.Rows, a.RowLength]);
        a.Data.CopyTo(c.Data, 0);
        b.Data.CopyTo(c.Data, a.Length);
        return c;
    }
}
