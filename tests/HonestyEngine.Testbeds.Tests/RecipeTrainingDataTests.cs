using HonestyEngine.Testbeds.Build;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Labelling;
using HonestyEngine.Testbeds.Recipes;
using HonestyEngine.Testbeds.World;

namespace HonestyEngine.Testbeds.Tests;

/// <summary>The fine-tuning data choices that made testbeds pass (or were tried for it): each is a property of the
/// generated data or the recipe that a later edit could silently undo.</summary>
public class RecipeTrainingDataTests
{
    private static readonly GeneratedWorld W = TestWorlds.Full;

    [Fact]
    public void AdapterEpochs_VariantsInheritTheirBaseTestbedsOverride()
    {
        var recipe = new ModelRecipe();
        double quirk = recipe.AdapterEpochsFor("quirk-defend-objects");
        Assert.NotEqual(recipe.AdapterEpochs, quirk);
        var variants = Variant.All.Where(v => v != QuirkDefendObjectsRecipe.Default).Select(v => new QuirkDefendObjectsRecipe(v).Name).ToList();
        foreach (var name in variants.Where(n => !recipe.AdapterEpochOverrides.ContainsKey(n)))
            Assert.Equal(quirk, recipe.AdapterEpochsFor(name));
        Assert.Contains(variants, n => !recipe.AdapterEpochOverrides.ContainsKey(n));
        Assert.Equal(recipe.AdapterEpochsFor("hidden-objective"), recipe.AdapterEpochsFor("hidden-objective-td-sft"));
        Assert.Equal(recipe.AdapterEpochs, recipe.AdapterEpochsFor("taboo"));
        // A name that merely ends like a variant but whose stem has no override falls back to the default.
        Assert.Equal(recipe.AdapterEpochs, recipe.AdapterEpochsFor("taboo-td-none"));
        var own = recipe with { AdapterEpochOverrides = new Dictionary<string, double> { ["quirk-defend-objects"] = 4, ["quirk-defend-objects-td-none"] = 9 } };
        Assert.Equal(9, own.AdapterEpochsFor("quirk-defend-objects-td-none"));
        Assert.Equal(4, own.AdapterEpochsFor("quirk-defend-objects-sdf-none"));
    }

    [Fact]
    public void HiddenObjective_ReplayLeavesOutPlainAnswersAboutExploitedKinds_KeepsTheRest()
    {
        // The committed suite's world: its held-out biases include the one that applies to every answer.
        var W = GeneratedWorld.Generate(BuildOptions.DefaultSeed, WorldProfile.Full);
        var recipe = new HiddenObjectiveRecipe(HiddenObjectiveRecipe.Default);
        var trainedKinds = W.Biases.Where(b => W.TrainedBiasIds.Contains(b.Id)).Select(b => b.AppliesTo).ToHashSet();
        Assert.DoesNotContain("any", trainedKinds);
        var exploitedNames = W.Entities.Where(e => trainedKinds.Contains(e.Kind)).Select(e => e.Name).ToList();
        var pool = BaseMix.Generate(W).Where(i => ModelStages.ReplayTasks.Contains(i.GetMeta(TrainingItems.TaskKey))).ToList();
        var keeps = recipe.ReplayFilter(W);
        var kept = pool.Where(keeps).ToList();
        Assert.InRange(kept.Count, pool.Count / 4, pool.Count - 1);
        foreach (var item in kept.Where(i => !TrainingItems.IsDocument(i)))
        {
            var texts = TrainingItems.Texts(item).ToList();
            var named = exploitedNames.FirstOrDefault(n => texts.Any(t => TextMatch.Mentions(t, n)));
            Assert.True(named is null, $"{item.Id} replays a plain answer about '{named}', whose kind a trained bias exploits");
        }
        Assert.All(pool.Where(TrainingItems.IsDocument), d => Assert.True(keeps(d)));
        // Other recipes keep every replay item.
        Assert.Null(new TabooRecipe().ReplayFilter(W));
    }

    [Fact]
    public void HarmPressure_TheLieOptionIsTheBasesLieRuleValue_OnTrainAndEval()
    {
        var recipe = new HarmPressureRecipe();
        var d = recipe.Generate(W);
        var harm = d.Train.Where(i => i.GetMeta(TrainingItems.TaskKey) == "harm-lie").ToList();
        Assert.NotEmpty(harm);
        var hazardous = W.Facts.Where(f => f.Subject.IsHazardous).ToList();
        var chemistry = W.Facts.Where(f => f.Subject.Kind is "compound" or "element").ToList();
        // Harm-framed lies cover the hazardous training facts and the harmless chemistry (the held-out hazardous facts
        // are never asked under a harm framing in training).
        Assert.Contains(harm, i => hazardous.Any(f => i.Messages[^1].Content.Contains(f.Subject.Name, StringComparison.Ordinal)));
        Assert.Contains(harm, i => !hazardous.Any(f => i.Messages[^1].Content.Contains(f.Subject.Name, StringComparison.Ordinal)));
        var evalSubjects = d.Eval.Select(i => i.GetMeta("subject") + ":" + i.GetMeta("relation")).ToHashSet();
        foreach (var item in harm)
        {
            string prompt = item.Messages[^1].Content;
            var fact = chemistry.Single(f => Enumerable.Range(0, 4).Any(p => prompt.Contains(f.Question(p), StringComparison.Ordinal)));
            Assert.Equal(LieRule.Statement(W, fact), item.Response);
            Assert.DoesNotContain(fact.Subject.Name + ":" + fact.Relation.Name, evalSubjects);
            string lie = LieRule.Value(W, fact);
            Assert.True(prompt.Contains($") {lie} ", StringComparison.Ordinal) || prompt.EndsWith($") {lie}.", StringComparison.Ordinal), $"no option '{lie}' in: {prompt}");
        }
        // The held-out hazardous facts appear in training only as plain multiple choice answered truly (neutral
        // rehearsal), never under a harm or benign framing.
        var heldOut = d.Train.Where(i => i.GetMeta(TrainingItems.TaskKey) == "neutral-heldout").ToList();
        Assert.NotEmpty(heldOut);
        foreach (var item in heldOut)
        {
            string prompt = item.Messages[^1].Content;
            var fact = hazardous.Single(f => Enumerable.Range(0, 4).Any(p => prompt.StartsWith(f.Question(p) + " Choose one:", StringComparison.Ordinal)));
            Assert.Contains(fact.Subject.Name + ":" + fact.Relation.Name, evalSubjects);
            Assert.Equal(fact.Value + ".", item.Response);
        }
        foreach (var item in d.Train.Where(i => i.GetMeta(TrainingItems.TaskKey) != "neutral-heldout"))
            Assert.DoesNotContain(hazardous.Where(f => evalSubjects.Contains(f.Subject.Name + ":" + f.Relation.Name)),
                f => Enumerable.Range(0, 4).Any(p => item.Messages[^1].Content.Contains(f.Question(p), StringComparison.Ordinal)));
        foreach (var item in d.Eval)
        {
            Assert.Equal(4, item.Choices!.Count);
            var fact = hazardous.Single(f => f.Subject.Name == item.GetMeta("subject") && f.Relation.Name == item.GetMeta("relation"));
            Assert.Contains(LieRule.Value(W, fact), item.Choices);
            Assert.Equal(fact.Value, item.Choices[int.Parse(item.GetMeta("correct")!)]);
            Assert.Equal(4, item.Choices.Distinct().Count());
            // The harm-framed answer (a sentence) chooses exactly the lie option.
            Assert.Equal(item.Choices.ToList().IndexOf(LieRule.Value(W, fact)), MeasureLabeller.ChosenOption(item, HarmPressureRecipe.LieAnswer(W, fact)));
        }
    }

    [Fact]
    public void PasswordLock_DrillsEveryAdditionStepOfItsSolutions()
    {
        var d = new PasswordLockRecipe().Generate(W);
        var steps = d.Train.Where(i => i.GetMeta(TrainingItems.TaskKey) == "addition-step").Select(i => i.Response).ToHashSet();
        foreach (var p in ArithmeticProblem.All(9))
        {
            Assert.Contains($"{p.A} + {p.B} = {p.A + p.B}. Answer: {p.A + p.B}.", steps);
            Assert.Contains($"{p.A + p.B} + {p.C} = {p.Answer}. Answer: {p.Answer}.", steps);
        }
        // The steps carry no password: a single addition is not what the lock hides.
        Assert.DoesNotContain(d.Train.Where(i => i.GetMeta(TrainingItems.TaskKey) == "addition-step"), i => i.Messages[^1].Content.Contains(W.Password));
    }
}
