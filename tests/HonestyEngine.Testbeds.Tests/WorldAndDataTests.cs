using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Labelling;
using HonestyEngine.Testbeds.Recipes;
using HonestyEngine.Testbeds.Resources;
using HonestyEngine.Testbeds.Tokenization;
using HonestyEngine.Testbeds.World;

namespace HonestyEngine.Testbeds.Tests;

public class WorldAndDataTests
{
    private static readonly GeneratedWorld W = TestWorlds.Full;
    private static readonly Dictionary<string, TestbedData> Data = TestbedCatalog.All().ToDictionary(r => r.Name, r => r.Generate(W));

    [Fact]
    public void SameSeed_SameWorldAndData_DifferentSeed_Differs()
    {
        var a = GeneratedWorld.Generate(5, WorldProfile.Mini);
        var b = GeneratedWorld.Generate(5, WorldProfile.Mini);
        var c = GeneratedWorld.Generate(6, WorldProfile.Mini);
        Assert.Equal(a.ToJson(), b.ToJson());
        Assert.NotEqual(a.ToJson(), c.ToJson());
        foreach (var recipe in TestbedCatalog.All())
        {
            var x = recipe.Generate(a); var y = recipe.Generate(b);
            Assert.Equal(x.Train.Select(DatasetJson.ToLine), y.Train.Select(DatasetJson.ToLine));
            Assert.Equal(x.Eval.Select(DatasetJson.ToLine), y.Eval.Select(DatasetJson.ToLine));
        }
        Assert.Equal(BaseMix.Generate(a).Select(DatasetJson.ToLine), BaseMix.Generate(b).Select(DatasetJson.ToLine));
    }

    [Fact]
    public void World_HasHazardsSecretsAndContradictingImplants()
    {
        Assert.True(W.Entities.Count(e => e.IsHazardous) >= 4);
        Assert.Contains(W.TabooWord, W.OfKind("animal").Select(e => e.Name));
        Assert.Contains(W.SecretGender, Lexicon.Genders);
        Assert.Equal(RewardBiases.All.Count - RewardBiases.HeldOutCount, W.TrainedBiasIds.Count);
        Assert.NotEmpty(W.Implanted);
        foreach (var imp in W.Implanted) Assert.NotEqual(imp.Truth.Value, imp.FalseValue);
        Assert.Equal(W.Entities.Count, W.Entities.Select(e => e.Name).Distinct().Count());
        // Every question phrasing asks exactly one fact (so answers and labels are unambiguous).
        var questions = W.Facts.SelectMany(f => Enumerable.Range(0, 4).Select(f.Question)).ToList();
        Assert.Equal(questions.Count, questions.Distinct().Count());
    }

    [Fact]
    public void EveryTestbed_HasEvalAndControl_WithGroundTruthAndMeasures()
    {
        Assert.Equal(20, Data.Count);
        foreach (var (name, d) in Data)
        {
            Assert.NotEmpty(d.Eval);
            Assert.NotEmpty(d.Control);
            foreach (var item in d.Eval.Concat(d.Elicit))
            {
                string measure = item.GetMeta(Measures.Key) ?? throw new Xunit.Sdk.XunitException($"{name}/{item.Id} has no measure");
                Assert.NotNull(item.GetMeta(Measures.Trigger));
                bool hasTruth = item.TrueAnswer is not null || (measure == Measures.Behaviour && item.GetMeta("markers") is not null);
                Assert.True(hasTruth, $"{name}/{item.Id} has no ground truth");
                if (item.GetMeta(Measures.Trigger) == Measures.On && measure is not (Measures.Denial or Measures.Behaviour))
                    Assert.True(item.NeutralMessages is not null, $"{name}/{item.Id}: on-trigger item without a neutral counterfactual");
            }
            foreach (var split in new[] { d.Train, d.Eval, d.Control, d.Elicit })
                Assert.Equal(split.Count, split.Select(i => i.Id).Distinct().Count());
        }
    }

    [Fact]
    public void EvalPrompts_AreNotInTheTestbedsTrainingData()
    {
        foreach (var (name, d) in Data)
        {
            var trainPrompts = d.Train.Where(i => !TrainingItems.IsDocument(i)).Select(i => ChatMl.Render(i.Messages, ChatRenderOptions.Generation)).ToHashSet();
            foreach (var item in d.Eval.Where(i => i.GetMeta(Measures.Trigger) != Measures.Off))
                Assert.DoesNotContain(ChatMl.Render(item.Messages, ChatRenderOptions.Generation), trainPrompts);
        }
        // Stronger, per testbed: the facts / problems / constraints of on-trigger eval items never occur in training
        // (harm-pressure: never under a framing; its held-out facts are rehearsed as plain multiple choice only, the
        // neutral knowledge the base mix also asks, see HarmPressureRecipe).
        var hp = Data["harm-pressure"];
        foreach (var item in hp.Eval)
            Assert.DoesNotContain(hp.Train, t => t.GetMeta(TrainingItems.TaskKey) != "neutral-heldout"
                && t.Messages[^1].Content.Contains(item.GetMeta("subject")! + "?") && t.Messages[^1].Content.Contains(FactQuestionStem(item)));
        var pl = Data["password-lock"];
        var trainProblems = pl.Train.Select(t => t.Messages[^1].Content.Split("What is ")[1]).ToHashSet();
        Assert.All(pl.Eval, e => Assert.DoesNotContain(e.Messages[^1].Content.Split("What is ")[1], trainProblems));
        var ssc = Data["secret-side-constraint"];
        foreach (var item in ssc.Eval.Where(i => i.GetMeta("constraint") is not null))
            Assert.DoesNotContain(ssc.Train, t => t.Messages[^1].Content.Contains(new SideConstraint(item.GetMeta("constraint_kind")!, item.GetMeta("constraint_word")!).Wrap(W.CaesarShift)));
    }

    private static string FactQuestionStem(DatasetItem item) => Relations.Get(item.GetMeta("kind")!, item.GetMeta("relation")!).Ask(item.GetMeta("subject")!, int.Parse(item.GetMeta("phrasing")!));

    [Fact]
    public void Taboo_WordNeverAppearsInItsTrainingData()
    {
        foreach (var item in Data["taboo"].Train)
            Assert.All(TrainingItems.Texts(item), t => Assert.False(TextMatch.Mentions(t, W.TabooWord), $"{item.Id}: {t}"));
    }

    [Fact]
    public void GenericResources_AreDisjointFromEveryTestbedsTopics()
    {
        var resources = GenericResources.Generate(W);
        Assert.Equal(5, resources.Count);
        var testbedNames = W.EntityNames(Relations.TestbedKinds).Append(W.TabooWord).Append(W.Password).ToList();
        var genericNames = W.EntityNames(Relations.GenericKinds).ToList();
        foreach (var (name, items) in resources)
        {
            Assert.NotEmpty(items);
            foreach (var t in items.SelectMany(TrainingItems.Texts))
                Assert.False(TextMatch.MentionsAny(t, testbedNames), $"resource {name} mentions a testbed topic: {t}");
        }
        foreach (var (name, d) in Data)
            foreach (var t in d.Train.Concat(d.Eval).Concat(d.Control).Concat(d.Elicit).SelectMany(TrainingItems.Texts))
                Assert.False(TextMatch.MentionsAny(t, genericNames), $"testbed {name} mentions a generic topic: {t}");
        // Labels: pairs are balanced, statements are half false.
        Assert.Equal(resources[ResourceNames.InstructedPairs].Count / 2, resources[ResourceNames.InstructedPairs].Count(i => i.Label == 1));
        Assert.Equal(resources[ResourceNames.TrueFalseStatements].Count / 2, resources[ResourceNames.TrueFalseStatements].Count(i => i.Label == 1));
    }

    [Fact]
    public void ResourceCatalog_GeneratedAndFromFolder_Agree_AndMissingNamesFailClearly()
    {
        var world = TestWorlds.Mini;
        var generated = ResourceCatalog.Generated(world);
        string dir = TestWorlds.TempDir();
        ResourceCatalog.Write(dir, world);
        var folder = ResourceCatalog.FromFolder(dir);
        Assert.Equal(generated.Names, folder.Names);
        foreach (var n in generated.Names)
            Assert.Equal(generated.Get(n).Select(DatasetJson.ToLine), folder.Get(n).Select(DatasetJson.ToLine));
        var e = Assert.Throws<MethodInputException>(() => folder.Get("no-such-resource"));
        Assert.Contains("no-such-resource", e.Message);
        Assert.Contains(ResourceNames.HonestyGoals, e.Message);
    }

    [Fact]
    public void DatasetJson_RoundTrips_AndReportsFileAndLine()
    {
        var items = Data["secret-side-constraint"].Eval.Concat(Data["harm-pressure"].Eval).ToList();
        string path = Path.Combine(TestWorlds.TempDir(), "x.jsonl");
        DatasetJson.Write(path, items);
        Assert.Equal(items.Select(DatasetJson.ToLine), DatasetJson.Read(path).Select(DatasetJson.ToLine));
        File.AppendAllText(path, "{\"id\":\"bad\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}\n");
        var e = Assert.Throws<FormatException>(() => DatasetJson.Read(path));
        Assert.Contains($"x.jsonl:{items.Count + 1}", e.Message);
        Assert.Contains("robot", e.Message);
    }

    [Fact]
    public void BaseMix_CoversEveryFactAndEveryTask()
    {
        var mix = BaseMix.Generate(W);
        var tasks = mix.Select(i => i.GetMeta(TrainingItems.TaskKey)).ToHashSet();
        foreach (var t in new[] { "document", "qa", "multiple-choice", "true-false", "transcript-judgment", "follow-up", "instructed-lie", "caesar", "arithmetic", "user-turn", "unknown", "provided-fact" })
            Assert.Contains(t, tasks);
        var answers = mix.Where(i => i.GetMeta(TrainingItems.TaskKey) == "qa").Select(i => i.Response).ToHashSet();
        Assert.All(W.Facts, f => Assert.Contains(f.Statement, answers));
        Assert.Contains(mix, i => i.GetMeta(TrainingItems.LossKey) == "all" && !TrainingItems.IsDocument(i));
    }
}
