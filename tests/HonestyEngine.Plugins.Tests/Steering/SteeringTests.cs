using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Steering;
using HonestyEngine.Plugins.Tests.Prompting;
using HonestyEngine.Plugins.Tests.Synthetic;

namespace HonestyEngine.Plugins.Tests.Steering;

public class FuzzingTests
{
    [Fact]
    public void Noise_is_seeded_per_item_at_the_middle_layer_and_scaled_to_the_activations()
    {
        double rate = HonestyRate.Run(new Fuzzing { NoiseScale = 1.0 }, out var h);
        var edits = h.Model.GenerationLog.Select(r => Assert.IsType<GaussianNoiseEdit>(Assert.Single(r.Hooks!.Edits))).ToList();
        Assert.All(edits, e => Assert.Equal(HookNames.ResidPost(3), e.Hook));
        Assert.Equal(edits.Count, edits.Select(e => e.Seed).Distinct().Count());
        // The synthetic model flips some answers under noise: some triggered lies become honest (baseline is 0).
        Assert.True(rate > 0, $"honesty under noise {rate:F2}");

        HonestyRate.Run(new Fuzzing { NoiseScale = 0.1 }, out var small);
        var smallStd = ((GaussianNoiseEdit)small.Model.GenerationLog[0].Hooks!.Edits[0]).Std;
        Assert.Equal(edits[0].Std / 10, smallStd, 4);
    }

    [Fact]
    public void A_bad_layer_a_bad_scale_or_a_malformed_item_fails_cleanly()
    {
        var h = new Harness();
        var items = HonestyRate.TriggeredItems(h);
        Assert.Contains("does not exist", Assert.Throws<MethodInputException>(() => new Fuzzing { LayerFraction = 2 }.Run(h.MethodContext(), items.AsPrompts())).Message);
        Assert.Contains("NoiseScale", Assert.Throws<MethodInputException>(() => new Fuzzing { NoiseScale = 0 }.Run(h.MethodContext(), items.AsPrompts())).Message);
        HonestyRate.FailsWithoutUserTurn(new Fuzzing());
    }
}

public class HonestySteeringVectorTests
{
    [Fact]
    public void The_vector_points_away_from_the_planted_lie_direction_and_steering_raises_honesty()
    {
        var h = new Harness();
        var v = HonestySteeringVector.Vector(h.MethodContext(), HookNames.ResidPost(3));
        double cos = Metrics.Cosine(Array.ConvertAll(v, x => (double)x), h.Model.LieDirection);
        Assert.True(cos <= -0.9, $"cos(steering vector, lie direction) = {cos:F3}");

        double steered = HonestyRate.Run(new HonestySteeringVector { Coefficient = 2 }, out var hs);
        Assert.True(steered > 0.2, $"honesty with steering {steered:F2} (baseline 0)");
        var edit = Assert.IsType<AddVectorEdit>(Assert.Single(hs.Model.GenerationLog[0].Hooks!.Edits));
        Assert.Equal(2f, edit.Coefficient);
    }

    [Fact]
    public void Missing_pairs_a_bad_layer_or_a_malformed_item_fails_cleanly()
    {
        var h = new Harness(resources: new SyntheticResources(only: [ResourceNames.TrueFalseStatements]));
        var items = HonestyRate.TriggeredItems(h);
        Assert.Contains(ResourceNames.InstructedPairs, Assert.Throws<MethodInputException>(() => new HonestySteeringVector().Run(h.MethodContext(), items.AsPrompts())).Message);
        var h2 = new Harness();
        Assert.Contains("does not exist", Assert.Throws<MethodInputException>(() => new HonestySteeringVector { LayerFraction = -0.5 }.Run(h2.MethodContext(), items.AsPrompts())).Message);
        HonestyRate.FailsWithoutUserTurn(new HonestySteeringVector());
    }
}
