using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class CcsProbeTests
{
    [Fact]
    public void Unsupervised_contrast_probe_transfers_to_on_policy_lies()
    {
        var (h, labelled, scores) = ProbeTestData.Score(new CcsProbe());
        double auroc = Harness.EvalAuroc(labelled, scores);
        Assert.True(auroc >= 0.85, $"AUROC {auroc:F3}");
        Assert.Contains(h.LogLines, l => l.StartsWith("ccs:"));
    }

    [Fact]
    public void Found_direction_does_not_depend_on_the_truth_labels_except_for_its_sign()
    {
        var h = new Harness();
        var ctx = h.DetectorContext();
        var (pos, neg, truth) = ContrastPairs.Build(ctx);
        var xPos = ProbeInputs.ResidPost(ctx, pos, 3, "last");
        var xNeg = ProbeInputs.ResidPost(ctx, neg, 3, "last");
        var a = CcsTrainer.Train(xPos, xNeg, truth, 300, 3, 1e-2, 0.01, 9);
        var b = CcsTrainer.Train(xPos, xNeg, truth.Select(t => !t).ToArray(), 300, 3, 1e-2, 0.01, 9);
        double cos = Metrics.Cosine(Array.ConvertAll(a.Weights, w => (double)w), b.Weights);
        Assert.True(cos <= -0.999, $"flipping every truth value must only flip the sign (cos {cos:F4})");
        Assert.True(a.TrainAccuracy >= 0.9, $"sign-fixing accuracy {a.TrainAccuracy:F3}");
    }

    [Fact]
    public void Bad_layer_missing_statements_and_statements_without_truth_fail_cleanly()
    {
        Assert.Contains("does not exist", ProbeTestData.Run(new CcsProbe { LayerFraction = 3 }).Message);
        Assert.Contains(ResourceNames.TrueFalseStatements, ProbeTestData.MissingResource(new CcsProbe(), ResourceNames.TrueFalseStatements).Message);
        var badTruth = new FixedResources(ResourceNames.TrueFalseStatements,
            SyntheticResources.Statements(6).Select(i => i with { Meta = new Dictionary<string, string> { ["truth"] = "maybe" } }).ToList());
        var h = new Harness(resources: badTruth);
        var (_, blind) = h.Transcripts();
        Assert.Contains("truth metadata 'maybe'", Assert.Throws<MethodInputException>(() => new CcsProbe().Score(h.DetectorContext(), blind)).Message);
        var noTruth = new FixedResources(ResourceNames.TrueFalseStatements,
            SyntheticResources.Statements(6).Select(i => i with { Meta = null, Label = null }).ToList());
        var h2 = new Harness(resources: noTruth);
        Assert.Contains("has no truth value", Assert.Throws<MethodInputException>(() => new CcsProbe().Score(h2.DetectorContext(), blind)).Message);
    }
}
