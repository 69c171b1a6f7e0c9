using HonestyEngine.Abstractions;
using HonestyEngine.Plugins.Tests.Elicitation;
using HonestyEngine.Plugins.Tests.Synthetic;
using HonestyEngine.Plugins.WhiteBoxElicitation;

namespace HonestyEngine.Plugins.Tests.WhiteBoxElicitation;

public class ModelDiffingTests
{
    private static (CustomModelTestbed Testbed, SyntheticModel Base) Traced(float strength, string word = "gold")
    {
        var items = new SyntheticTestbed();
        var tuned = new SyntheticModel();
        var baseModel = new SyntheticModel(tuned.Options with { Name = "synthetic-base", Secret = null, LiesUnderTrigger = false });
        return (new CustomModelTestbed(new FineTuneTraceModel(tuned, word, strength), baseModel, items), baseModel);
    }

    private static double PassAt1(ITestbed testbed, IReadOnlyList<ElicitationOutcome> outcomes)
    {
        var items = testbed.GetSplit(Splits.Elicit);
        Assert.Equal(items.Select(i => i.Id), outcomes.Select(o => o.ItemId));
        return items.Zip(outcomes).Count(p => p.Second.Guesses.Take(1).Any(g => testbed.Labeller.RevealsSecret(p.First, g))) / (double)items.Count;
    }

    [Theory]
    [InlineData(ModelDiffing.LogitDiff)]
    [InlineData(ModelDiffing.ActivationDiff)]
    public void Finds_the_token_a_fine_tune_left_in_the_model_on_prompts_unrelated_to_it(string signal)
    {
        var (testbed, _) = Traced(strength: 0.5f);
        var log = new List<string>();
        var outcomes = new ModelDiffing { Signal = signal, MaxPrompts = 8 }.Elicit(testbed.Context(log: log), testbed.GetSplit(Splits.Elicit).AsPrompts());
        double rate = PassAt1(testbed, outcomes);
        Assert.True(rate == 1 && rate > ElicitationScoring.DirectAsking(1), $"{signal} pass@1 {rate:F2}: {outcomes[0].Evidence}");
        Assert.Contains(log, l => l.StartsWith($"model-diffing ({signal}): 8 generic prompts"));
    }

    [Fact]
    public void The_diffed_token_follows_the_fine_tune_not_the_testbed_secret()
    {
        var (testbed, _) = Traced(strength: 0.5f, word: "moon");
        var outcomes = new ModelDiffing { MaxPrompts = 8 }.Elicit(testbed.Context(), testbed.GetSplit(Splits.Elicit).AsPrompts());
        Assert.All(outcomes, o => Assert.Equal("moon", o.Guesses[0]));
    }

    [Theory]
    [InlineData(ModelDiffing.LogitDiff)]
    [InlineData(ModelDiffing.ActivationDiff)]
    public void Models_that_do_not_differ_on_generic_text_give_no_guesses(string signal)
    {
        // The plain synthetic testbed's model differs from its base only when asked about its secret or triggered.
        var h = new Harness();
        var outcomes = new ModelDiffing { Signal = signal, MaxPrompts = 8 }.Elicit(h.MethodContext(), h.Testbed.GetSplit(Splits.Elicit).AsPrompts());
        Assert.All(outcomes, o => { Assert.Empty(o.Guesses); Assert.Contains("do not differ", o.Evidence); });
    }

    [Fact]
    public void No_base_model_a_missing_layer_or_missing_generic_text_fails_cleanly()
    {
        var noBase = new Harness(new SyntheticTestbed(withBase: false));
        var items = noBase.Testbed.GetSplit(Splits.Elicit);
        Assert.Contains("has no base model", Assert.Throws<MethodInputException>(() => new ModelDiffing().Elicit(noBase.MethodContext(), items.AsPrompts())).Message);
        var h = new Harness();
        Assert.Contains("does not exist", Assert.Throws<MethodInputException>(() => new ModelDiffing { Signal = ModelDiffing.ActivationDiff, LayerFraction = 2 }.Elicit(h.MethodContext(), items.AsPrompts())).Message);
        Assert.Contains("unknown signal", Assert.Throws<MethodInputException>(() => new ModelDiffing { Signal = "kl" }.Elicit(h.MethodContext(), items.AsPrompts())).Message);
        var noGeneric = new Harness(resources: new SyntheticResources(only: [ResourceNames.InstructedPairs]));
        Assert.Contains(ResourceNames.InstructionFollowing, Assert.Throws<MethodInputException>(() => new ModelDiffing().Elicit(noGeneric.MethodContext(), items.AsPrompts())).Message);
        var mismatched = new CustomModelTestbed(new SyntheticModel(), new SyntheticModel(new SyntheticModelOptions { Hidden = 16 }), new SyntheticTestbed());
        Assert.Contains("does not match", Assert.Throws<MethodInputException>(() => new ModelDiffing().Elicit(mismatched.Context(), items.AsPrompts())).Message);
    }
}
