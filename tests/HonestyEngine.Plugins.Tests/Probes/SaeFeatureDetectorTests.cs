using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class SaeFeatureDetectorTests
{
    [Fact]
    public void Top_k_sae_reconstructs_better_than_the_mean_and_keeps_k_active()
    {
        var rng = new Random(4);
        int n = 600, d = 12;
        var x = new Tensor([n, d]);
        // Sparse ground truth: each row is 2 of 24 random atoms with positive weights.
        var atoms = new float[24 * d];
        for (int i = 0; i < atoms.Length; i++) atoms[i] = (float)SyntheticModel.Gaussian(rng);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 2; a++)
            {
                int atom = rng.Next(24); float w = 1 + (float)rng.NextDouble();
                for (int j = 0; j < d; j++) x.Data[i * d + j] += w * atoms[atom * d + j];
            }
        var sae = new TopKSae(d, 48, 4, seed: 1);
        sae.Train(new ReferenceCompute(), x, epochs: 30, batchSize: 32, lr: 3e-3, seed: 1);
        // MSE is in normalised units where E|x|^2 = d, so predicting the mean scores about 1.
        Assert.True(sae.FinalMse < 0.35, $"MSE {sae.FinalMse:F3}");
    }

    [Fact]
    public void Picks_a_latent_that_separates_on_policy_lies()
    {
        var (h, labelled, scores) = ProbeTestData.Score(new SaeFeatureDetector { LayerFraction = 0.8 });
        double auroc = Harness.EvalAuroc(labelled, scores);
        Assert.True(auroc >= 0.8, $"AUROC {auroc:F3}; log: {string.Join(" | ", h.LogLines)}");
    }

    [Fact]
    public void Bad_layer_and_missing_generic_data_fail_cleanly()
    {
        Assert.Contains("does not exist", ProbeTestData.Run(new SaeFeatureDetector { LayerFraction = 1.2 }).Message);
        Assert.Contains(ResourceNames.InstructionFollowing, ProbeTestData.MissingResource(new SaeFeatureDetector(), ResourceNames.InstructionFollowing).Message);
    }
}
