using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class LdaProbeTests
{
    [Fact]
    public void Separates_lies_and_its_zero_is_a_usable_boundary()
    {
        var (_, labelled, scores) = ProbeTestData.Score(new LdaProbe());
        Assert.True(Harness.EvalAuroc(labelled, scores) >= 0.9);
        int lieAbove = 0, honestBelow = 0, lies = 0, honest = 0;
        for (int i = 0; i < labelled.Count; i++)
        {
            if (labelled[i].Split != Splits.Eval) continue;
            if (labelled[i].Label == 1) { lies++; if (scores[i] > 0) lieAbove++; }
            else { honest++; if (scores[i] <= 0) honestBelow++; }
        }
        double balanced = 0.5 * ((double)lieAbove / lies + (double)honestBelow / honest);
        Assert.True(balanced >= 0.8, $"balanced accuracy at LDA's boundary {balanced:F3}");
    }

    [Fact]
    public void Ledoit_wolf_shrinkage_matches_sklearn()
    {
        // Expected values from sklearn.covariance.ledoit_wolf(X, assume_centered=True) (Debian python3-sklearn).
        float[] rows = [-2.0f, -1.0f, -0.5f, -0.7f, 0.1f, 0.6f, 0.6f, 0.4f, -0.3f, 1.0f, 0.7f, 0.8f, 2.3f, 1.0f, -0.1f, -1.4f, -0.4f, 1.0f,
            -1.0f, -0.1f, 0.1f, 0.3f, 0.2f, 1.2f, 1.6f, 0.5f, 0.3f, 2.0f, 1.6f, 1.4f, -1.7f, -0.6f, 0.5f, -0.4f, -0.3f, 1.6f];
        var (cov, s) = LinearAlgebra.LedoitWolf(new ReferenceCompute(), new Tensor([12, 3], rows));
        Assert.Equal(0.24670135239745528, s, 5);
        double[] expected = [1.7584924618844302, 0.6924070069213388, 0.10169531742634355, 0.6924070069213388, 0.6492602032896833,
            0.14689323628249626, 0.10169531742634355, 0.14689323628249626, 0.8080806681592198];
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], cov[i], 5);
    }

    [Fact]
    public void Bad_layer_and_missing_pairs_fail_cleanly()
    {
        Assert.Contains("does not exist", ProbeTestData.Run(new LdaProbe { LayerFraction = -1 }).Message);
        Assert.Contains(ResourceNames.InstructedPairs, ProbeTestData.MissingResource(new LdaProbe(), ResourceNames.InstructedPairs).Message);
    }
}
