using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

public class LatReadingVectorTests
{
    [Fact]
    public void First_principal_component_of_pair_differences_is_the_planted_direction_with_deceptive_positive()
    {
        var h = new Harness();
        var ctx = h.DetectorContext();
        var train = ProbeInputs.InstructedPairs(ctx);
        var x = ProbeInputs.ResidPost(ctx, train.Transcripts, 4, "mean");
        var v = LatReadingVector.ReadingVector(h.Compute, x, LatReadingVector.Pair(train.Items, train.Labels), seed: 5);
        double cos = Metrics.Cosine(v, h.Model.LieDirection);
        Assert.True(cos >= 0.9, $"cos(reading vector, planted) = {cos:F3} (sign included)");
    }

    [Fact]
    public void Pairs_are_matched_by_metadata_not_by_order()
    {
        var h = new Harness();
        var train = ProbeInputs.InstructedPairs(h.DetectorContext());
        var pairs = LatReadingVector.Pair(train.Items, train.Labels);
        Assert.Equal(48, pairs.Count);
        Assert.All(pairs, p => Assert.Equal(train.Items[p.Honest].GetMeta("pair"), train.Items[p.Deceptive].GetMeta("pair")));
    }

    [Fact]
    public void Separates_on_policy_lies()
    {
        var (_, labelled, scores) = ProbeTestData.Score(new LatReadingVector());
        double auroc = Harness.EvalAuroc(labelled, scores);
        Assert.True(auroc >= 0.9, $"AUROC {auroc:F3}");
    }

    [Fact]
    public void Bad_layer_and_missing_pairs_fail_cleanly()
    {
        Assert.Contains("does not exist", ProbeTestData.Run(new LatReadingVector { LayerFraction = 7 }).Message);
        Assert.Contains(ResourceNames.InstructedPairs, ProbeTestData.MissingResource(new LatReadingVector(), ResourceNames.InstructedPairs).Message);
    }
}
