using System.Text.Json;
using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Models;

namespace HonestyEngine.Runtime.Tests.Models;

public class ModelConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfigLoader.Parse("config.json", JsonDocument.Parse(json).RootElement);

    private const string Llama31 = """
        {"model_type":"llama","architectures":["LlamaForCausalLM"],"hidden_size":4096,"num_hidden_layers":2,
         "num_attention_heads":32,"num_key_value_heads":8,"intermediate_size":14336,"vocab_size":128256,
         "rms_norm_eps":1e-5,"rope_theta":500000.0,"max_position_embeddings":131072,"tie_word_embeddings":false,
         "rope_scaling":{"factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},
         "eos_token_id":[128001,128008,128009]}
        """;

    [Fact]
    public void Llama3RopeScalingMatchesTransformersFormula()
    {
        var c = Parse(Llama31);
        Assert.Equal(128, c.HeadDim);
        Assert.Equal(8, c.NumKvHeads);
        Assert.Equal([128001, 128008, 128009], c.EosTokenIds);
        var inv = c.LayerRope[0]!.InverseFrequencies;
        Assert.Equal("llama3", c.LayerRope[0]!.RopeType);
        // Expected values from transformers' _compute_llama3_parameters (evaluated in double precision).
        (int i, double v)[] expected = [(0, 1.0), (10, 0.12868737343265052), (20, 0.016560440080994446), (30, 0.0013718935677611381),
            (40, 3.428102195952591e-05), (45, 1.2297638677963614e-05), (50, 4.411534674558404e-06), (63, 3.068925988914511e-07)];
        foreach (var (i, v) in expected) Assert.True(Math.Abs(inv[i] - v) <= 2e-6 * v, $"inv_freq[{i}] = {inv[i]}, expected {v}");
    }

    [Fact]
    public void Transformers4And5FormsGiveTheSameRope()
    {
        var v4 = Parse(Llama31);
        var node = JsonNode.Parse(Llama31)!.AsObject();
        var scaling = node["rope_scaling"]!.AsObject();
        node.Remove("rope_scaling"); node.Remove("rope_theta");
        scaling["rope_theta"] = 500000.0;
        node["rope_parameters"] = JsonNode.Parse(scaling.ToJsonString());
        var v5 = Parse(node.ToJsonString());
        Assert.Equal(v4.LayerRope[0]!.InverseFrequencies, v5.LayerRope[0]!.InverseFrequencies);
    }

    [Fact]
    public void Gemma3UsesLocalAndGlobalRopeAndFiveToOneSlidingPattern()
    {
        const string v4 = """
            {"model_type":"gemma3_text","hidden_size":64,"num_hidden_layers":12,"num_attention_heads":4,"num_key_value_heads":2,
             "head_dim":16,"intermediate_size":128,"vocab_size":512,"rms_norm_eps":1e-6,"rope_theta":1000000.0,
             "rope_local_base_freq":10000.0,"rope_scaling":{"rope_type":"linear","factor":8.0},"sliding_window":512,
             "sliding_window_pattern":6,"query_pre_attn_scalar":256,"final_logit_softcapping":null,"attn_logit_softcapping":null}
            """;
        var c = Parse(v4);
        Assert.True(c.QkNorm && c.SandwichNorms && c.NormPlusOne);
        Assert.Equal(1f / 16f, c.AttentionScale);
        Assert.Equal(8f, c.EmbedScale);
        for (int l = 0; l < 12; l++) Assert.Equal((l + 1) % 6 == 0 ? null : 512, c.LayerWindows[l]);
        Assert.Equal(1f / 8f, c.LayerRope[5]!.InverseFrequencies[0]); // global: theta 1e6, linear factor 8
        Assert.Equal(1f, c.LayerRope[0]!.InverseFrequencies[0]);      // local: theta 1e4, unscaled
        Assert.Equal(MathF.Pow(10000f, -2f / 16f), c.LayerRope[0]!.InverseFrequencies[1], 1e-7f);
        Assert.Equal(MathF.Pow(1e6f, -2f / 16f) / 8f, c.LayerRope[5]!.InverseFrequencies[1], 1e-7f);
        Assert.Null(c.AttentionSoftcap);

        // transformers-5 spelling: rope_parameters per layer type and explicit layer_types.
        var node = JsonNode.Parse(v4)!.AsObject();
        foreach (var k in new[] { "rope_theta", "rope_local_base_freq", "rope_scaling", "sliding_window_pattern" }) node.Remove(k);
        node["rope_parameters"] = JsonNode.Parse("""{"full_attention":{"rope_type":"linear","factor":8.0,"rope_theta":1000000.0},"sliding_attention":{"rope_type":"default","rope_theta":10000.0}}""");
        node["layer_types"] = new JsonArray(Enumerable.Range(0, 12).Select(l => (JsonNode)JsonValue.Create((l + 1) % 6 == 0 ? "full_attention" : "sliding_attention")!).ToArray());
        var c5 = Parse(node.ToJsonString());
        Assert.Equal(c.LayerWindows, c5.LayerWindows);
        for (int l = 0; l < 12; l++) Assert.Equal(c.LayerRope[l]!.InverseFrequencies, c5.LayerRope[l]!.InverseFrequencies);
    }

    [Fact]
    public void MistralSlidingWindowAndQwen2Defaults()
    {
        var m = Parse("""{"model_type":"mistral","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":1,"intermediate_size":128,"vocab_size":100,"rms_norm_eps":1e-5,"sliding_window":4096}""");
        Assert.All(m.LayerWindows, w => Assert.Equal(4096, w));
        Assert.Equal(16, m.HeadDim);
        Assert.False(m.TieWordEmbeddings);
        var q = Parse("""{"model_type":"qwen2","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"intermediate_size":128,"vocab_size":100,"rms_norm_eps":1e-6,"sliding_window":4096,"use_sliding_window":false,"tie_word_embeddings":true}""");
        Assert.True(q.QkvBias);
        Assert.False(q.OutputBias);
        Assert.True(q.TieWordEmbeddings);
        Assert.All(q.LayerWindows, w => Assert.Null(w));
    }

    [Theory]
    [InlineData("""{"model_type":"bert","hidden_size":8}""", "Supported: llama, mistral, qwen2, qwen3, gemma2, gemma3_text, gpt2")]
    [InlineData("""{"hidden_size":8}""", "model_type")]
    [InlineData("""{"model_type":"llama","num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10,"rms_norm_eps":1e-5}""", "missing field 'hidden_size' required by llama")]
    [InlineData("""{"model_type":"gemma2","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10,"sliding_window":4}""", "rms_norm_eps")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10,"rms_norm_eps":1e-5,"rope_scaling":{"rope_type":"yarn","factor":4}}""", "rope_type 'yarn' is not supported")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10,"rms_norm_eps":1e-5,"rope_scaling":{"rope_type":"llama3","factor":8}}""", "needs 'low_freq_factor'")]
    [InlineData("""{"model_type":"llama","hidden_size":"64","num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10,"rms_norm_eps":1e-5}""", "'hidden_size' must be an integer")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":3,"intermediate_size":8,"vocab_size":10,"rms_norm_eps":1e-5}""", "multiple of num_key_value_heads")]
    [InlineData("""{"model_type":"gemma2","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10,"rms_norm_eps":1e-6}""", "sliding_window")]
    [InlineData("""{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10,"rms_norm_eps":1e-5,"hidden_act":"relu2"}""", "activation 'relu2'")]
    public void BadConfigsAreClearErrors(string json, string expected)
    {
        var e = Assert.Throws<ModelConfigException>(() => Parse(json));
        Assert.Contains(expected, e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void WeightsNotMatchingTheConfigAreNamedWithTheirFile()
    {
        using var tmp = new TempDir();
        foreach (var f in Directory.GetFiles(Fixtures.Model("llama"))) File.Copy(f, Path.Combine(tmp.Path, Path.GetFileName(f)));
        var cfg = JsonNode.Parse(File.ReadAllText(tmp.File("config.json")))!;
        cfg["intermediate_size"] = 128;
        cfg["tie_word_embeddings"] = true;
        cfg["attention_bias"] = true;
        File.WriteAllText(tmp.File("config.json"), cfg.ToJsonString());
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(tmp.Path));
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("'model.layers.0.mlp.up_proj.weight' has shape [160, 64], config.json implies [128, 64]", e.Message);
        Assert.Contains("missing tensor 'model.layers.0.self_attn.q_proj.bias'", e.Message);

        var missing = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(Path.Combine(tmp.Path, "nope")));
        Assert.Contains("config.json not found", missing.Message);
    }

    [Fact]
    public void UnexpectedTensorIsNamed()
    {
        using var tmp = new TempDir();
        foreach (var f in Directory.GetFiles(Fixtures.Model("llama"))) File.Copy(f, Path.Combine(tmp.Path, Path.GetFileName(f)));
        var cfg = JsonNode.Parse(File.ReadAllText(tmp.File("config.json")))!;
        cfg["num_hidden_layers"] = 2;
        File.WriteAllText(tmp.File("config.json"), cfg.ToJsonString());
        var e = Assert.Throws<ModelConfigException>(() => TransformerModel.Load(tmp.Path));
        Assert.Contains("unexpected tensor 'model.layers.2.", e.Message);
    }
}
