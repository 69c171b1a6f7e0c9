using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class MahalanobisAnomalyTests
{
    [Fact]
    public void Lies_are_far_from_the_control_set_and_control_scores_are_out_of_sample()
    {
        var (_, labelled, scores) = ProbeTestData.Score(new MahalanobisAnomaly());
        var control = Enumerable.Range(0, labelled.Count).Where(i => labelled[i].Split == Splits.Control).ToList();
        var lies = Enumerable.Range(0, labelled.Count).Where(i => labelled[i].Label == 1 && labelled[i].Split == Splits.Eval).ToList();
        var s = lies.Concat(control).Select(i => scores[i]).ToList();
        var y = lies.Select(_ => 1).Concat(control.Select(_ => 0)).ToList();
        Assert.True(Metrics.Auroc(s, y) >= 0.9);
    }

    [Fact]
    public void Cross_fitted_control_scores_look_like_scores_of_new_benign_transcripts()
    {
        // 48 benign transcripts: the first 24 form the control set, the other 24 come in as (honest) eval transcripts,
        // which are scored by a fit that never saw them. In-sample control distances would be much smaller than theirs.
        var h = new Harness(new SyntheticTestbed(controlItems: 48));
        var (labelled, blind) = h.Transcripts();
        var benign = blind.Where(t => t.Split == Splits.Control).ToList();
        var input = benign.Take(24).Concat(benign.Skip(24).Select(t => t with { Split = Splits.Eval })).ToList();
        var scores = new MahalanobisAnomaly().Score(h.DetectorContext(), input);
        double control = scores.Take(24).Average(), fresh = scores.Skip(24).Average();
        Assert.InRange(control / fresh, 0.6, 1.6);
        var inSample = InSampleMeanDistance(h, input.Take(24).ToList());
        Assert.True(inSample < 0.6 * fresh, $"the test can tell: in-sample mean {inSample:F1} vs fresh {fresh:F1}");
    }

    private static double InSampleMeanDistance(Harness h, List<Transcript> control)
    {
        var ctx = h.DetectorContext();
        var x = ProbeInputs.ResidPost(ctx, control, ctx.LayerAtFraction(0.5), "mean");
        int n = x.Rows, d = x.RowLength;
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x.ReadRow(i)[j] / n;
        var c = new Tensor([n, d]);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) c.Row(i)[j] = (float)(x.ReadRow(i)[j] - mean[j]);
        var (cov, _) = LinearAlgebra.LedoitWolf(h.Compute, c);
        LinearAlgebra.AddRelativeRidge(cov, d, 1e-6);
        var chol = LinearAlgebra.Cholesky(cov, d, "test");
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            var diff = new double[d];
            for (int j = 0; j < d; j++) diff[j] = c.ReadRow(i)[j];
            var sol = LinearAlgebra.CholeskySolve(chol, d, diff);
            for (int j = 0; j < d; j++) total += diff[j] * sol[j] / n;
        }
        return total;
    }

    [Fact]
    public void Without_control_transcripts_or_with_a_bad_layer_it_fails_cleanly()
    {
        var h = new Harness(new SyntheticTestbed(splits: [Splits.Eval]));
        var (_, blind) = h.Transcripts();
        Assert.Contains("control transcripts", Assert.Throws<MethodInputException>(() => new MahalanobisAnomaly().Score(h.DetectorContext(), blind)).Message);
        Assert.Contains("does not exist", ProbeTestData.Run(new MahalanobisAnomaly { LayerFraction = 5 }).Message);
    }
}
