using System.Text.Json.Nodes;
using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Build;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Recipes;
using HonestyEngine.Testbeds.Specs;

namespace HonestyEngine.Testbeds.Tests;

/// <summary>testbed.json validation and the folder testbed: every corrupt or incomplete folder gets an error
/// that names what is missing.</summary>
public class SpecAndFolderTests
{
    private static readonly Lazy<string> Built = new(() =>
    {
        string root = TestWorlds.TempDir();
        new TestbedBuilder().Build(new BuildOptions(root, Seed: 3, Profile: "mini", Only: "taboo", VocabSize: 400) { Recipe = ModelRecipe.Smoke });
        return root;
    });

    private static string CopyOf(string testbed)
    {
        string dst = Path.Combine(TestWorlds.TempDir(), testbed);
        Directory.CreateDirectory(dst);
        foreach (var f in Directory.GetFiles(Path.Combine(Built.Value, testbed))) File.Copy(f, Path.Combine(dst, Path.GetFileName(f)));
        return dst;
    }

    [Fact]
    public void EveryRecipeSpec_IsValid_AndRoundTrips()
    {
        var world = TestWorlds.Mini;
        foreach (var r in TestbedCatalog.All())
        {
            var spec = r.Spec(world) with { Files = new Dictionary<string, string> { ["eval"] = "eval.jsonl", ["control"] = "control.jsonl", ["train"] = "train.jsonl" } };
            Assert.Empty(TestbedSpecLoader.Validate(spec));
            var back = TestbedSpecLoader.Parse(spec.ToJson(), "mem");
            Assert.Equal(spec.ToJson(), back.ToJson());
        }
    }

    [Fact]
    public void MissingFields_AreAllNamed()
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Built.Value, "taboo", "testbed.json")))!.AsObject();
        node.Remove("anchor"); node.Remove("labeller");
        var e = Assert.Throws<TestbedFormatException>(() => TestbedSpecLoader.Parse(node.ToJsonString(), "x/testbed.json"));
        Assert.Contains("x/testbed.json", e.Message);
        Assert.Contains("'anchor'", e.Message);
        Assert.Contains("'labeller'", e.Message);
    }

    [Fact]
    public void BadValues_AreNamed()
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Built.Value, "taboo", "testbed.json")))!.AsObject();
        node["implant"] = "osmosis";
        node["acceptance"]!["denial"] = 1.5;
        node["model"]!["kind"] = "adapter"; node["model"]!.AsObject().Remove("path");
        var e = Assert.Throws<TestbedFormatException>(() => TestbedSpecLoader.Parse(node.ToJsonString(), "t.json"));
        Assert.Contains("'implant' is 'osmosis'", e.Message);
        Assert.Contains("acceptance.denial", e.Message);
        Assert.Contains("model.path", e.Message);
        Assert.Throws<TestbedFormatException>(() => TestbedSpecLoader.Parse("{not json", "t.json"));
    }

    [Fact]
    public void MissingSplitFile_IsNamed()
    {
        string dir = CopyOf("taboo");
        File.Delete(Path.Combine(dir, "elicit.jsonl"));
        var e = Assert.Throws<TestbedFormatException>(() => new FolderTestbed(dir, null));
        Assert.Contains("elicit.jsonl", e.Message);
    }

    [Fact]
    public void FolderTestbed_ServesSplits_AndNamesTheMissingModel()
    {
        string dir = CopyOf("taboo");
        using var tb = new FolderTestbed(dir, (_, _) => throw new InvalidOperationException("loader must not be called"));
        Assert.Equal(["control", "elicit", "eval"], tb.Splits);
        Assert.NotEmpty(tb.GetSplit(Splits.Eval));
        Assert.NotEmpty(tb.TrainingData());
        var missingSplit = Assert.Throws<MethodInputException>(() => tb.GetSplit("train"));
        Assert.Contains("'taboo'", missingSplit.Message);
        var noModel = Assert.Throws<TestbedFormatException>(() => tb.OpenModel());
        Assert.Contains("config.json", noModel.Message);
        Assert.Contains("--only taboo", noModel.Message);
    }

    [Fact]
    public void FolderTestbed_LoadsModelThroughTheLoader_WithAdapterPath()
    {
        string root = TestWorlds.TempDir();
        string tb = Path.Combine(root, "taboo");
        Directory.CreateDirectory(tb);
        foreach (var f in Directory.GetFiles(Path.Combine(Built.Value, "taboo"))) File.Copy(f, Path.Combine(tb, Path.GetFileName(f)));
        string model = Path.Combine(root, "_base", "model");
        Directory.CreateDirectory(model);
        foreach (var f in new[] { "config.json", "model.safetensors", "tokenizer.json" }) File.WriteAllText(Path.Combine(model, f), "{}");
        Directory.CreateDirectory(Path.Combine(tb, "adapter"));
        File.WriteAllText(Path.Combine(tb, "adapter", "adapter_config.json"), "{}");
        var e = Assert.Throws<TestbedFormatException>(() => new FolderTestbed(tb, (_, _) => null!).OpenModel());
        Assert.Contains("adapter_model.safetensors", e.Message);
        File.WriteAllText(Path.Combine(tb, "adapter", "adapter_model.safetensors"), "x");
        (string?, string?) seen = default;
        using var folder = new FolderTestbed(tb, (m, a) => { seen = (m, a); return new ScriptedModel(TestWorlds.Mini); });
        folder.OpenModel();
        Assert.Equal(Path.GetFullPath(model), seen.Item1);
        Assert.Equal(Path.Combine(tb, "adapter"), seen.Item2);
    }

    [Fact]
    public void Source_SkipsSharedFolders_AndReportsIncompleteOnesWithoutHidingTheOthers()
    {
        // Issue 17, item 7: one invalid testbed folder used to make Discover throw, which blocked every run.
        string root = TestWorlds.TempDir();
        string good = Path.Combine(root, "taboo");
        Directory.CreateDirectory(good);
        foreach (var f in Directory.GetFiles(Path.Combine(Built.Value, "taboo"))) File.Copy(f, Path.Combine(good, Path.GetFileName(f)));
        Directory.CreateDirectory(Path.Combine(root, "_base"));
        Assert.Single(new FolderTestbedSource(root, null).Discover());
        Directory.CreateDirectory(Path.Combine(root, "half-built"));
        File.WriteAllText(Path.Combine(root, "half-built", "eval.jsonl"), "");
        Directory.CreateDirectory(Path.Combine(root, "bad-json"));
        File.WriteAllText(Path.Combine(root, "bad-json", "testbed.json"), "{\"name\": ");
        var found = new FolderTestbedSource(root, null).Discover().ToList();
        Assert.Equal(["bad-json", "half-built", "taboo"], found.Select(t => t.Info.Name));
        Assert.IsType<FolderTestbed>(found[2]);
        var broken = Assert.IsType<BrokenTestbedFolder>(found[1]);
        Assert.Equal(Path.Combine(root, "half-built"), broken.Folder);
        Assert.Contains("half-built", broken.Error);
        Assert.Contains("testbed.json", broken.Error);
        var e = Assert.Throws<TestbedFormatException>(() => found[1].Splits);
        Assert.Equal(broken.Error, e.Message);
        Assert.Contains(Path.Combine(root, "bad-json", "testbed.json"), ((BrokenTestbedFolder)found[0]).Error);
        Assert.Throws<TestbedFormatException>(() => found[0].OpenModel());
    }

    [Fact]
    public void Source_FlagsTwoFoldersWithOneTestbedNameNamingBothFolders()
    {
        string root = TestWorlds.TempDir();
        foreach (var folder in new[] { "taboo", "taboo-copy", "renamed" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            foreach (var f in Directory.GetFiles(Path.Combine(Built.Value, "taboo"))) File.Copy(f, Path.Combine(root, folder, Path.GetFileName(f)));
        }
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "renamed", "testbed.json")))!;
        spec["name"] = "taboo-renamed";
        File.WriteAllText(Path.Combine(root, "renamed", "testbed.json"), spec.ToJsonString());
        var found = new FolderTestbedSource(root, null).Discover().ToList();
        Assert.Equal(["taboo-renamed", "taboo"], found.Select(t => t.Info.Name));
        var dup = Assert.IsType<BrokenTestbedFolder>(found[1]);
        Assert.Contains(Path.Combine(root, "taboo"), dup.Error);
        Assert.Contains(Path.Combine(root, "taboo-copy"), dup.Error);
        Assert.Contains("'taboo'", dup.Error);
        Assert.IsType<FolderTestbed>(found[0]);
    }

    [Fact]
    public void Build_IsReproducible_AndCachedStagesAreSkipped()
    {
        string a = TestWorlds.TempDir(), b = TestWorlds.TempDir();
        var first = new TestbedBuilder().Build(new BuildOptions(a, Seed: 9, Profile: "mini", Only: "mask-provided-facts", VocabSize: 400) { Recipe = ModelRecipe.Smoke });
        new TestbedBuilder().Build(new BuildOptions(b, Seed: 9, Profile: "mini", Only: "mask-provided-facts", VocabSize: 400) { Recipe = ModelRecipe.Smoke });
        Assert.All(first, o => Assert.Equal("built", o.Status));
        foreach (var rel in new[] { "_base/world.json", "_base/model/tokenizer.json", "_base/pretrain.jsonl", "mask-provided-facts/eval.jsonl", "mask-provided-facts/testbed.json", "_resources/honesty-goals.jsonl",
                     "_base/model/config.json", "_base/model/model.safetensors", "mask-provided-facts/adapter/adapter_config.json", "mask-provided-facts/adapter/adapter_model.safetensors" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, rel)), File.ReadAllBytes(Path.Combine(b, rel)));
        var again = new TestbedBuilder().Build(new BuildOptions(a, Seed: 9, Profile: "mini", Only: "mask-provided-facts", VocabSize: 400) { Recipe = ModelRecipe.Smoke });
        Assert.All(again, o => Assert.Equal("cached", o.Status));
        File.Delete(Path.Combine(a, "mask-provided-facts", "eval.jsonl"));
        var repaired = new TestbedBuilder().Build(new BuildOptions(a, Seed: 9, Profile: "mini", Only: "mask-provided-facts", VocabSize: 400) { Recipe = ModelRecipe.Smoke });
        Assert.Equal("built", repaired.Single(o => o.Stage == "data/mask-provided-facts").Status);
        Assert.Equal("cached", repaired.Single(o => o.Stage == "tokenizer").Status);
        Assert.True(File.Exists(Path.Combine(a, "mask-provided-facts", "eval.jsonl")));
        // The adapter depends on the testbed's data key, not on whether eval.jsonl was rewritten: still cached.
        Assert.Equal("cached", repaired.Single(o => o.Stage == "adapter/mask-provided-facts").Status);
        File.Delete(Path.Combine(a, "mask-provided-facts", "adapter", "adapter_model.safetensors"));
        var retrained = new TestbedBuilder().Build(new BuildOptions(a, Seed: 9, Profile: "mini", Only: "mask-provided-facts", VocabSize: 400) { Recipe = ModelRecipe.Smoke });
        Assert.Equal("built", retrained.Single(o => o.Stage == "adapter/mask-provided-facts").Status);
        Assert.Equal("cached", retrained.Single(o => o.Stage == "base model").Status);
        Assert.Equal(File.ReadAllBytes(Path.Combine(b, "mask-provided-facts", "adapter", "adapter_model.safetensors")), File.ReadAllBytes(Path.Combine(a, "mask-provided-facts", "adapter", "adapter_model.safetensors")));
    }
}
