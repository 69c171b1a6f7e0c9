using System.Text.Json.Nodes;
using HonestyEngine.Runtime.SafeTensors;
using HonestyEngine.Training.IO;
using HonestyEngine.Training.Lora;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Tests;

public class CheckpointTests
{
    /// <summary>The training forward on a real transformers checkpoint reproduces transformers' logits.</summary>
    [Fact]
    public void Training_forward_matches_transformers_logits_on_the_llama_fixture()
    {
        var folder = Fixtures.HfModel("llama");
        var model = HfCheckpoint.Load(folder);
        Assert.Equal(2, model.Config.NumKeyValueHeads);
        AssertMatchesReference(model, Path.Combine(folder, "reference.safetensors"));
    }

    [Fact]
    public void A_loaded_peft_adapter_reproduces_transformers_logits_with_the_adapter()
    {
        var folder = Fixtures.HfModel("llama-lora");
        var model = HfCheckpoint.Load(folder);
        var adapter = PeftAdapter.Load(Path.Combine(folder, "adapter"), model.Config);
        Assert.Equal(3 * 7, adapter.Pairs.Count);
        Assert.Equal(2f, adapter.Pairs[0].Scale);
        model.AttachLora(adapter, trainAdapter: false);
        AssertMatchesReference(model, Path.Combine(folder, "adapter", "reference_with_adapter.safetensors"));
    }

    private static void AssertMatchesReference(LlamaModel model, string referencePath)
    {
        using var reference = SafeTensorsFile.Open(referencePath);
        var compute = new LlamaComputation(model);
        for (int c = 0; c < 3; c++)
        {
            var ids = reference.ReadInt64($"case{c}.input_ids").Select(v => (int)v).ToArray();
            var expected = reference.ReadFloat32($"case{c}.logits");
            var actual = compute.Logits(ids);
            Assert.Equal(expected.Length, actual.Length);
            double maxDiff = 0;
            for (int i = 0; i < expected.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(expected[i] - actual[i]));
            Assert.True(maxDiff < 1e-4, $"case {c}: max |logit difference| {maxDiff:G3} >= 1e-4");
        }
    }

    [Fact]
    public void A_transformers_checkpoint_can_be_fine_tuned_and_reports_progress()
    {
        var model = HfCheckpoint.Load(Fixtures.HfModel("llama"));
        var data = new[] { new TrainingExample([1, 17, 300, 42, 99, 7, 250, 3, 64, 128]) };
        var seen = new List<TrainingProgress>();
        var report = Trainer.Train(model, data, new TrainingOptions { Steps = 8, BatchSize = 1, LearningRate = 5e-3f, Seed = 1 }, seen.Add);
        Assert.Equal(Enumerable.Range(1, 8), seen.Select(p => p.Step));
        Assert.All(seen, p => Assert.Equal(10, p.Tokens));
        Assert.True(report.Losses[^1] < report.Losses[0] * 0.5, $"loss {report.Losses[0]} -> {report.Losses[^1]}");
    }

    [Theory]
    [InlineData(false, CheckpointDType.F32)]
    [InlineData(true, CheckpointDType.F32)]
    [InlineData(false, CheckpointDType.BF16)]
    public void Save_then_load_round_trips(bool tied, CheckpointDType dtype)
    {
        var config = TinyModels.GradCheckConfig(tied) with { BosTokenId = 1, EosTokenId = 2 };
        var model = TinyModels.Random(config, seed: 21);
        var folder = Fixtures.TempFolder("roundtrip");
        HfCheckpoint.Save(model, folder, dtype);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        Assert.Equal("LlamaForCausalLM", json["architectures"]![0]!.GetValue<string>());
        Assert.Equal(10000.0, json["rope_theta"]!.GetValue<double>());
        Assert.Equal(tied, json["tie_word_embeddings"]!.GetValue<bool>());
        using (var file = SafeTensorsFile.Open(Path.Combine(folder, "model.safetensors")))
        {
            Assert.Equal(!tied, file.Contains("lm_head.weight"));
            Assert.Equal(dtype == CheckpointDType.BF16 ? SafeTensorDType.BF16 : SafeTensorDType.F32, file.Info("model.norm.weight").DType);
            Assert.Equal(dtype == CheckpointDType.BF16 ? "bfloat16" : "float32", json["torch_dtype"]!.GetValue<string>());
            Assert.Equal([24L, 16L], file.Info("model.layers.1.mlp.gate_proj.weight").Shape);
        }
        var loaded = HfCheckpoint.Load(folder);
        Assert.Equal(model.Config with { HeadDim = config.ResolvedHeadDim }, loaded.Config);   // head_dim is written explicitly
        foreach (var (a, b) in model.AllParameters().Zip(loaded.AllParameters()))
        {
            Assert.Equal(a.Name, b.Name);
            for (int i = 0; i < a.Length; i++)
                Assert.True(Math.Abs(a.Value[i] - b.Value[i]) <= (dtype == CheckpointDType.F32 ? 0 : Math.Abs(a.Value[i]) / 256), $"{a.Name}[{i}]");
        }
        Directory.Delete(folder, true);
    }

    [Fact]
    public void A_saved_adapter_has_peft_keys_shapes_and_config_and_loads_back()
    {
        var model = TinyModels.Random(TinyModels.GradCheckConfig(false), seed: 22);
        var adapter = LoraAdapter.Create(model.Config, new LoraOptions { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "down_proj"], Seed = 3 });
        var rng = new Numerics.SeededRandom(5);
        foreach (var p in adapter.Pairs) for (int i = 0; i < p.B.Length; i++) p.B.Value[i] = (float)rng.NextNormal();
        var folder = Fixtures.TempFolder("adapter");
        PeftAdapter.Save(adapter, folder, "../base");

        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "adapter_config.json")))!.AsObject();
        Assert.Equal("LORA", cfg["peft_type"]!.GetValue<string>());
        Assert.Equal(4, cfg["r"]!.GetValue<int>());
        Assert.Equal(8.0, cfg["lora_alpha"]!.GetValue<double>());
        Assert.Equal("../base", cfg["base_model_name_or_path"]!.GetValue<string>());
        Assert.Equal(["down_proj", "q_proj", "v_proj"], cfg["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()));
        using (var file = SafeTensorsFile.Open(Path.Combine(folder, "adapter_model.safetensors")))
        {
            Assert.Equal(2 * 3 * 2, file.Tensors.Count);
            Assert.Equal([4L, 16L], file.Info("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").Shape);
            Assert.Equal([16L, 4L], file.Info("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").Shape);
            Assert.Equal([8L, 4L], file.Info("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").Shape);   // kv width 2 heads * 4
            Assert.Equal([4L, 24L], file.Info("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").Shape);
        }
        var loaded = PeftAdapter.Load(folder, model.Config);
        foreach (var (a, b) in adapter.Parameters().Zip(loaded.Parameters())) Assert.Equal(a.Value, b.Value);
        // The same logits with the saved and the loaded adapter.
        int[] ids = [1, 2, 3, 4, 5];
        model.AttachLora(adapter);
        var before = new LlamaComputation(model).Logits(ids);
        model.AttachLora(loaded);
        Assert.Equal(before, new LlamaComputation(model).Logits(ids));
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Broken_folders_get_errors_naming_the_file_and_tensor()
    {
        var model = TinyModels.Random(TinyModels.GradCheckConfig(false), seed: 23);
        var folder = Fixtures.TempFolder("broken");
        HfCheckpoint.Save(model, folder);
        // A tensor of the wrong shape.
        var tensors = model.AllParameters().Select(p => p.Name == "model.norm.weight"
            ? SafeTensorsEntry.F32(p.Name, [8], p.Value.AsSpan(0, 8)) : SafeTensorsEntry.F32(p.Name, p.Shape, p.Value)).ToList();
        SafeTensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors);
        var e1 = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(folder));
        Assert.Contains("model.norm.weight", e1.Message);
        Assert.Contains("[8]", e1.Message);
        // A missing tensor.
        SafeTensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors.Where(t => t.Name != "model.norm.weight"));
        var e2 = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(folder));
        Assert.Contains("no tensor 'model.norm.weight'", e2.Message);
        // A config that is not llama.
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"model_type\": \"gpt2\"}");
        var e3 = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(folder));
        Assert.Contains("config.json", e3.Message);
        Assert.Contains("gpt2", e3.Message);
        // An adapter folder without weights.
        var adapterFolder = Fixtures.TempFolder("broken-adapter");
        File.WriteAllText(Path.Combine(adapterFolder, "adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 4, \"target_modules\": [\"q_proj\"]}");
        var e4 = Assert.Throws<FileNotFoundException>(() => PeftAdapter.Load(adapterFolder, model.Config));
        Assert.Contains("adapter_model.safetensors", e4.Message);
        Directory.Delete(folder, true);
        Directory.Delete(adapterFolder, true);
    }
}
