using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Tests.Models;

/// <summary>adapter_config.json's target_modules / layers_to_transform select the modules an adapter changes, as in
/// PEFT: an adapter that selects no module of the base is refused ("Target modules ... not found in the base model"),
/// naming the adapter folder and the unmatched names, instead of loading with no effect (issue 17, item 1).</summary>
public class LoraTargetingTests
{
    private static string Base => Fixtures.Model("llama-lora");
    private static string AdapterDir => Path.Combine(Base, "adapter");

    /// <summary>A copy of the fixture adapter with its config edited (and optionally only some tensors kept).</summary>
    private static void WriteAdapter(TempDir tmp, Action<JsonObject> edit, Func<string, bool>? keepTensor = null)
    {
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(AdapterDir, "adapter_config.json")))!.AsObject();
        edit(cfg);
        File.WriteAllText(tmp.File("adapter_config.json"), cfg.ToJsonString());
        var src = Path.Combine(AdapterDir, "adapter_model.safetensors");
        if (keepTensor is null) { File.Copy(src, tmp.File("adapter_model.safetensors"), overwrite: true); return; }
        using var st = SafeTensorsFile.Open(src);
        SafeTensorsWriter.Write(tmp.File("adapter_model.safetensors"),
            st.Tensors.Keys.Where(keepTensor).Order(StringComparer.Ordinal)
                .Select(k => SafeTensorsEntry.F32(k, st.Info(k).ShapeInt32(), st.ReadFloat32(k))).ToList());
    }

    [Fact]
    public void TargetModulesThatMatchNoModuleAreRefusedNamingTheFolderAndTheNames()
    {
        using var tmp = new TempDir();
        WriteAdapter(tmp, c => c["target_modules"] = new JsonArray("qkv_proj", "dense"));
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path));
        Assert.Contains(tmp.Path, e.Message);
        Assert.Contains("qkv_proj", e.Message);
        Assert.Contains("dense", e.Message);
        Assert.Contains("not found in the base model", e.Message);
    }

    [Fact]
    public void RegexTargetModulesThatMatchNothingAreRefused()
    {
        using var tmp = new TempDir();
        WriteAdapter(tmp, c => c["target_modules"] = ".*\\.attention\\.(wq|wk)");
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path));
        Assert.Contains(tmp.Path, e.Message);
        Assert.Contains("wq|wk", e.Message);
    }

    [Fact]
    public void LayersToTransformBeyondTheModelAreRefused()
    {
        using var tmp = new TempDir();
        WriteAdapter(tmp, c => c["layers_to_transform"] = new JsonArray(7, 99));
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path));
        Assert.Contains(tmp.Path, e.Message);
        Assert.Contains("layers_to_transform", e.Message);
        Assert.Contains("99", e.Message);
    }

    [Fact]
    public void LayersToTransformSelectsLayersAsPeftDoes()
    {
        using var tmp = new TempDir();
        WriteAdapter(tmp, c => c["layers_to_transform"] = new JsonArray(0, 2), k => !k.Contains(".layers.1.", StringComparison.Ordinal));
        var model = TransformerModel.Load(Base, tmp.Path);
        Assert.Equal(14, model.Adapter!.Deltas.Count);
        Assert.DoesNotContain(model.Adapter.Deltas.Keys, k => k.Contains(".layers.1.", StringComparison.Ordinal));

        // An int is one layer, as in PEFT.
        WriteAdapter(tmp, c => c["layers_to_transform"] = 2, k => k.Contains(".layers.2.", StringComparison.Ordinal));
        Assert.Equal(7, TransformerModel.Load(Base, tmp.Path).Adapter!.Deltas.Count);
    }

    [Fact]
    public void TensorsForModulesTheConfigDoesNotSelectAreRefused()
    {
        // PEFT would create LoRA layers only on layer 0 and ignore the other layers' weights: a silently different model.
        using var tmp = new TempDir();
        WriteAdapter(tmp, c => c["layers_to_transform"] = new JsonArray(0));
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path));
        Assert.Contains("model.layers.1.", e.Message);
        Assert.Contains("target_modules", e.Message);

        WriteAdapter(tmp, c => c["target_modules"] = new JsonArray("q_proj", "v_proj"));
        e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path));
        Assert.Contains("down_proj", e.Message);
    }

    [Fact]
    public void AllLinearAndRegexTargetsSelectAsInPeft()
    {
        using var tmp = new TempDir();
        WriteAdapter(tmp, c => c["target_modules"] = "all-linear");
        Assert.Equal(21, TransformerModel.Load(Base, tmp.Path).Adapter!.Deltas.Count);
        WriteAdapter(tmp, c => c["target_modules"] = @".*\.(q|k|v|o|gate|up|down)_proj");
        Assert.Equal(21, TransformerModel.Load(Base, tmp.Path).Adapter!.Deltas.Count);
    }

    [Theory]
    [InlineData("target_modules", "5")]
    [InlineData("target_modules", "[1, 2]")]
    [InlineData("target_modules", "[]")]
    [InlineData("layers_to_transform", "\"0\"")]
    [InlineData("layers_to_transform", "[0.5]")]
    [InlineData("layers_pattern", "7")]
    public void MistypedTargetingFieldsAreConfigErrors(string field, string json)
    {
        using var tmp = new TempDir();
        WriteAdapter(tmp, c => c[field] = JsonNode.Parse(json));
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Base, tmp.Path));
        Assert.Contains("adapter_config.json", e.Message);
        Assert.Contains(field, e.Message);
    }
}
