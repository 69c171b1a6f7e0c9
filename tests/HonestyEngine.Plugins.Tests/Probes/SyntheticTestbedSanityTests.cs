using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Probes;

/// <summary>The test doubles themselves behave as the method tests assume.</summary>
public class SyntheticTestbedSanityTests
{
    [Fact]
    public void Eval_set_has_both_lies_and_honest_answers_and_control_has_no_claims()
    {
        var (labelled, _) = new Harness().Transcripts();
        var eval = labelled.Where(t => t.Split == Splits.Eval).ToList();
        Assert.Equal(24, eval.Count(t => t.Label == 1));
        Assert.Equal(24, eval.Count(t => t.Label == 0));
        Assert.All(labelled.Where(t => t.Split == Splits.Control), t => Assert.Null(SyntheticWorld.LastClaim(t.Response)));
    }

    [Fact]
    public void Planted_direction_is_present_only_on_lie_responses_and_grows_with_depth()
    {
        var h = new Harness();
        var (labelled, _) = h.Transcripts();
        var eval = labelled.Where(t => t.Split == Splits.Eval).ToList();
        double Gap(int layer)
        {
            var x = h.Activations.Get(h.Model, eval.Select(t => t.Blind).ToList(), HookNames.ResidPost(layer), "mean");
            double lie = 0, honest = 0;
            for (int i = 0; i < eval.Count; i++)
            {
                double p = 0;
                for (int j = 0; j < x.RowLength; j++) p += x.ReadRow(i)[j] * h.Model.LieDirection[j];
                if (eval[i].Label == 1) lie += p / 24; else honest += p / 24;
            }
            return lie - honest;
        }
        Assert.InRange(Gap(0), -0.3, 0.3);
        Assert.True(Gap(5) > 1.2, $"gap at the last layer {Gap(5)}");
    }
}
