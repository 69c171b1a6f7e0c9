using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Probes;

namespace HonestyEngine.Plugins.Tests.Probes;

public class LastTokenProbeTests
{
    [Fact]
    public void Reads_the_final_response_token_and_separates_lies()
    {
        var (h, labelled, scores) = ProbeTestData.Score(new LastTokenProbe());
        double auroc = Synthetic.Harness.EvalAuroc(labelled, scores);
        Assert.True(auroc >= 0.85, $"AUROC {auroc:F3}");
    }

    [Fact]
    public void Bad_layer_and_missing_pairs_fail_cleanly()
    {
        Assert.Contains("does not exist", ProbeTestData.Run(new LastTokenProbe { LayerFraction = 2 }).Message);
        Assert.Contains(ResourceNames.InstructedPairs, ProbeTestData.MissingResource(new LastTokenProbe(), ResourceNames.InstructedPairs).Message);
    }
}
