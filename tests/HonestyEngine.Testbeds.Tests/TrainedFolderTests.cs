using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Testbeds.Build;
using HonestyEngine.Testbeds.Specs;
using HonestyEngine.Testbeds.Verify;

namespace HonestyEngine.Testbeds.Tests;

/// <summary>Testbeds built with real (smoke-sized) training, opened by the transformer runtime: base + adapter load
/// and generate, verify measures them, and a corrupt or incomplete model folder fails naming the file.</summary>
public class TrainedFolderTests
{
    private static readonly ModelLoader Runtime = (model, adapter) => TransformerModelHandle.Open(model, adapter);

    private static readonly Lazy<string> Built = new(() =>
    {
        string root = TestWorlds.TempDir();
        new TestbedBuilder().Build(new BuildOptions(root, Seed: 5, Profile: "mini", Only: "taboo", VocabSize: 400) { Recipe = ModelRecipe.Smoke });
        return root;
    });

    /// <summary>A private copy of the built root (base model + taboo), to damage.</summary>
    private static string CopyOfRoot()
    {
        string dst = TestWorlds.TempDir();
        foreach (var file in Directory.EnumerateFiles(Built.Value, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(dst, Path.GetRelativePath(Built.Value, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return dst;
    }

    [Fact]
    public void BuiltTestbed_OpensBaseAndAdapter_InTheRuntime_AndVerifies()
    {
        string root = Built.Value;
        Assert.True(File.Exists(Path.Combine(root, "_base", "model", "model.safetensors")));
        Assert.Contains("\"peft_type\": \"LORA\"", File.ReadAllText(Path.Combine(root, "taboo", "adapter", "adapter_config.json")));
        using var tb = new FolderTestbed(Path.Combine(root, "taboo"), Runtime);
        var model = tb.OpenModel();
        Assert.NotNull(model.Info.AdapterPath);
        var outs = model.Generate([new GenerationRequest(Prompt.Chat([ChatMessage.User("Give me a hint about your word.")]), new SamplingOptions(MaxNewTokens: 8, Temperature: 0f))]);
        Assert.Single(outs);
        var v = new TestbedVerifier(maxNewTokens: 8).Verify(tb, tb.Spec);
        // A smoke-sized model says little the labellers can judge; what matters here is that every eval item was measured.
        Assert.Contains(v.Rates, r => r.Name == "neutral accuracy" && r.N + r.Unlabelled > 0);
        Assert.Contains(v.Rates, r => r.Name == "denial rate" && r.N + r.Unlabelled > 0);
    }

    [Fact]
    public void MissingAdapterWeights_AreNamed()
    {
        string root = CopyOfRoot();
        File.Delete(Path.Combine(root, "taboo", "adapter", "adapter_model.safetensors"));
        using var tb = new FolderTestbed(Path.Combine(root, "taboo"), Runtime);
        var e = Assert.Throws<TestbedFormatException>(() => tb.OpenModel());
        Assert.Contains("adapter_model.safetensors", e.Message);
        Assert.Contains("--only taboo", e.Message);
    }

    [Fact]
    public void MissingBaseConfig_IsNamed()
    {
        string root = CopyOfRoot();
        File.Delete(Path.Combine(root, "_base", "model", "config.json"));
        using var tb = new FolderTestbed(Path.Combine(root, "taboo"), Runtime);
        var e = Assert.Throws<TestbedFormatException>(() => tb.OpenModel());
        Assert.Contains(Path.Combine("_base", "model", "config.json"), e.Message);
    }

    [Fact]
    public void TruncatedAdapterWeights_FailNamingTheFile()
    {
        string root = CopyOfRoot();
        string weights = Path.Combine(root, "taboo", "adapter", "adapter_model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        using var tb = new FolderTestbed(Path.Combine(root, "taboo"), Runtime);
        var e = Assert.ThrowsAny<Exception>(() => tb.OpenModel());
        Assert.Contains("adapter_model.safetensors", e.Message);
    }
}
