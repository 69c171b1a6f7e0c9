using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Tests.Models;

public class LoraAdapterTests
{
    private static string Base => Fixtures.Model("llama-lora");
    private static string AdapterDir => Path.Combine(Base, "adapter");
    private static string WithAdapter => Path.Combine(AdapterDir, "reference_with_adapter.safetensors");
    private static string Without => Path.Combine(Base, "reference.safetensors");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AdapterMatchesPeftReference(bool merged)
    {
        var model = TransformerModel.Load(Base, AdapterDir, mergeAdapter: merged);
        Assert.Equal(2f, model.Adapter!.Scale); // alpha 8 / r 4
        Assert.Equal(7 * model.Config.NumLayers, model.Adapter.Deltas.Count);
        var report = ReferenceVerifier.Verify(model, WithAdapter, 1e-4);
        Assert.True(report.Passed, string.Join("; ", report.Entries.Where(e => !e.Passed).Select(e => $"{e.Case} {e.Quantity} {e.MaxAbsError}")));
    }

    [Fact]
    public void UnmergedAdapterCanBeSwitchedOffPerCall()
    {
        var model = TransformerModel.Load(Base, AdapterDir);
        Assert.True(ReferenceVerifier.Verify(model, Without, 1e-4, useAdapter: false).Passed);
        // And the adapter really changes the output (the test could fail).
        Assert.False(ReferenceVerifier.Verify(model, Without, 1e-4, useAdapter: true).Passed);
    }

    [Fact]
    public void AdapterForAnotherBaseIsAClearError()
    {
        // The llama adapter on qwen3 (head_dim 24): q_proj is [96, 64] there, lora_B is [64, 4].
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Fixtures.Model("qwen3"), AdapterDir));
        Assert.Contains("adapter_model.safetensors", e.Message);
        Assert.Contains("another base", e.Message);
        Assert.Contains("q_proj", e.Message);
        // On gpt2 the module names do not exist at all.
        e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Fixtures.Model("gpt2"), AdapterDir));
        Assert.Contains("does not have", e.Message);
    }

    [Fact]
    public void RsLoraUsesSqrtRankAndUnsupportedOptionsAreRejected()
    {
        using var tmp = new TempDir();
        File.Copy(Path.Combine(AdapterDir, "adapter_model.safetensors"), tmp.File("adapter_model.safetensors"));
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(AdapterDir, "adapter_config.json")))!;
        cfg["use_rslora"] = true;
        File.WriteAllText(tmp.File("adapter_config.json"), cfg.ToJsonString());
        var model = TransformerModel.Load(Base, tmp.Path);
        Assert.Equal(8f / 2f, model.Adapter!.Scale); // alpha / sqrt(4)

        cfg["use_dora"] = true;
        File.WriteAllText(tmp.File("adapter_config.json"), cfg.ToJsonString());
        Assert.Contains("DoRA", Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path)).Message);

        File.Delete(tmp.File("adapter_config.json"));
        Assert.Contains("adapter_config.json", Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path)).Message);
    }
}
