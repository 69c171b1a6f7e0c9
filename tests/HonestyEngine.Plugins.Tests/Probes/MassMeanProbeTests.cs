using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class MassMeanProbeTests
{
    [Fact]
    public void Plain_mass_mean_recovers_the_planted_lie_direction()
    {
        var h = new Harness();
        var ctx = h.DetectorContext();
        var (train, labels) = ProbeInputs.InstructedPairs(ctx);
        var x = ProbeInputs.ResidPost(ctx, train, 3, "mean");
        double plain = Metrics.Cosine(MassMeanProbe.Direction(h.Compute, x, labels, false), h.Model.LieDirection);
        Assert.True(plain >= 0.9, $"cos(mass-mean, planted) = {plain:F3}");
        // The iid variant is the best linear separator, not the planted direction itself: it tilts away from
        // high-variance directions, so it is less aligned with the planted one (Marks & Tegmark's point).
        double iid = Metrics.Cosine(MassMeanProbe.Direction(h.Compute, x, labels, true), h.Model.LieDirection);
        Assert.True(iid < plain, $"cos iid {iid:F3} vs plain {plain:F3}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Separates_on_policy_lies(bool correction)
    {
        var (_, labelled, scores) = ProbeTestData.Score(new MassMeanProbe { CovarianceCorrection = correction });
        double auroc = Harness.EvalAuroc(labelled, scores);
        Assert.True(auroc >= 0.9, $"AUROC {auroc:F3}");
    }

    [Fact]
    public void Bad_layer_and_missing_pairs_fail_cleanly()
    {
        Assert.Contains("does not exist", ProbeTestData.Run(new MassMeanProbe { LayerFraction = 1.01 }).Message);
        Assert.Contains(ResourceNames.InstructedPairs, ProbeTestData.MissingResource(new MassMeanProbe { CovarianceCorrection = true }, ResourceNames.InstructedPairs).Message);
    }
}
