using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;
using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Tests.Models;

/// <summary>Issue 17, items 2-4: a model folder or reference file that is wrong is refused with an error naming the file
/// and the field, never loaded as something else.</summary>
public class BadModelInputTests
{
    // ---- item 2: shard precedence ----

    [Fact]
    public void SingleFileWinsOverAnUnrelatedIndexAsInTransformers()
    {
        // transformers' _get_resolved_checkpoint_files looks for model.safetensors before model.safetensors.index.json.
        using var tmp = new TempDir();
        foreach (var f in Directory.GetFiles(Fixtures.Model("llama-sharded")))
            if (Path.GetFileName(f).StartsWith("model", StringComparison.Ordinal)) File.Copy(f, tmp.File(Path.GetFileName(f)));
        foreach (var f in new[] { "model.safetensors", "config.json", "generation_config.json", "reference.safetensors" })
            File.Copy(Path.Combine(Fixtures.Model("llama"), f), tmp.File(f));
        using (var ckpt = SafeTensorsCheckpoint.Open(tmp.Path))
        {
            Assert.Single(ckpt.Files);
            Assert.Equal(tmp.File("model.safetensors"), ckpt.Files[0].Path);
        }
        var model = TransformerModel.Load(tmp.Path);
        Assert.True(ReferenceVerifier.Verify(model, tmp.File("reference.safetensors"), 1e-4).Passed);
    }

    // ---- item 3: config.json validation ----

    public static TheoryData<string, string, string> BadConfigFields => new()
    {
        { "num_hidden_layers", "-1", "num_hidden_layers" },
        { "num_hidden_layers", "0", "num_hidden_layers" },
        { "max_position_embeddings", "0", "max_position_embeddings" },
        { "eos_token_id", "999999", "eos_token_id" },
        { "eos_token_id", "[2, -1]", "eos_token_id" },
        { "bos_token_id", "512", "bos_token_id" },
        { "rms_norm_eps", "-1e-5", "rms_norm_eps" },
        { "rms_norm_eps", "0", "rms_norm_eps" },
        { "rms_norm_eps", "1e400", "rms_norm_eps" },
        { "hidden_size", "0", "hidden_size" },
        { "intermediate_size", "-160", "intermediate_size" },
        { "vocab_size", "0", "vocab_size" },
        { "num_attention_heads", "0", "num_attention_heads" },
        { "num_key_value_heads", "3", "num_key_value_heads" },
        { "head_dim", "-16", "head_dim" },
        { "num_hidden_layers", "1e12", "num_hidden_layers" },
        { "partial_rotary_factor", "1e300", "partial_rotary_factor" },
        { "partial_rotary_factor", "0", "partial_rotary_factor" },
        { "rope_parameters", "{\"rope_theta\": -5, \"rope_type\": \"default\"}", "rope_theta" },
        { "rope_parameters", "{\"rope_theta\": 10000, \"rope_type\": \"linear\", \"factor\": 0}", "factor" },
    };

    [Theory]
    [MemberData(nameof(BadConfigFields))]
    public void InvalidNumericFieldIsNamedWithTheConfigPath(string field, string json, string named)
    {
        using var tmp = new TempDir();
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Model("llama"), "config.json")))!.AsObject();
        cfg[field] = JsonNode.Parse(json);
        File.WriteAllText(tmp.File("config.json"), cfg.ToJsonString());
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(tmp.Path));
        Assert.Contains(tmp.File("config.json"), e.Message);
        Assert.Contains(named, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void HiddenSizeNotDivisibleByHeadsWithoutHeadDimIsRefused()
    {
        using var tmp = new TempDir();
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Model("llama"), "config.json")))!.AsObject();
        cfg.Remove("head_dim");
        cfg["hidden_size"] = 66;
        File.WriteAllText(tmp.File("config.json"), cfg.ToJsonString());
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(tmp.Path));
        Assert.Contains("hidden_size", e.Message);
        Assert.Contains("num_attention_heads", e.Message);
    }

    public static TheoryData<string, string, string, string> BadFamilyFields => new()
    {
        { "gemma2", "query_pre_attn_scalar", "0", "query_pre_attn_scalar" },
        { "gemma2", "attn_logit_softcapping", "-50", "attn_logit_softcapping" },
        { "gemma2", "final_logit_softcapping", "0", "final_logit_softcapping" },
        { "gemma2", "sliding_window", "0", "sliding_window" },
        { "gpt2", "n_positions", "0", "n_positions" },
        { "gpt2", "layer_norm_epsilon", "0", "layer_norm_epsilon" },
        { "gpt2", "n_inner", "-1", "n_inner" },
        { "gpt2", "n_head", "0", "n_head" },
        { "qwen3", "eos_token_id", "151645", "eos_token_id" },
    };

    [Theory]
    [MemberData(nameof(BadFamilyFields))]
    public void InvalidFamilyFieldIsNamed(string model, string field, string json, string named)
    {
        using var tmp = new TempDir();
        var cfg = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures.Model(model), "config.json")))!.AsObject();
        cfg[field] = JsonNode.Parse(json);
        File.WriteAllText(tmp.File("config.json"), cfg.ToJsonString());
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(tmp.Path));
        Assert.Contains(tmp.File("config.json"), e.Message);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Gemma3SlidingWindowPatternOfZeroIsAConfigError()
    {
        const string json = """
            {"model_type":"gemma3_text","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
             "head_dim":16,"intermediate_size":128,"vocab_size":512,"rms_norm_eps":1e-6,"sliding_window":512,"sliding_window_pattern":0}
            """;
        using var tmp = new TempDir();
        File.WriteAllText(tmp.File("config.json"), json);
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(tmp.Path));
        Assert.Contains("sliding_window_pattern", e.Message);
    }

    [Fact]
    public void GenerationConfigEosBeyondTheVocabularyIsNamed()
    {
        using var tmp = new TempDir();
        File.Copy(Path.Combine(Fixtures.Model("llama"), "config.json"), tmp.File("config.json"));
        File.WriteAllText(tmp.File("generation_config.json"), """{"eos_token_id": [2, 70000]}""");
        var e = Assert.Throws<ModelConfigException>(() => ModelConfigLoader.Load(tmp.Path));
        Assert.Contains(tmp.File("generation_config.json"), e.Message);
        Assert.Contains("eos_token_id", e.Message);
    }

    // ---- item 4: model verify refuses malformed references ----

    /// <summary>A copy of the llama reference with one tensor replaced (or removed when <paramref name="replacement"/> is null).</summary>
    private static string EditedReference(TempDir tmp, string tensor, SafeTensorsEntry? replacement)
    {
        var src = Path.Combine(Fixtures.Model("llama"), "reference.safetensors");
        var path = tmp.File("reference.safetensors");
        using (var st = SafeTensorsFile.Open(src))
        {
            var entries = new List<SafeTensorsEntry>();
            foreach (var k in st.Tensors.Keys.Order(StringComparer.Ordinal))
            {
                if (k == tensor) { if (replacement is not null) entries.Add(replacement); continue; }
                var info = st.Info(k);
                entries.Add(info.DType == SafeTensorDType.I64 ? SafeTensorsEntry.I64(k, info.ShapeInt32(), st.ReadInt64(k)) : SafeTensorsEntry.F32(k, info.ShapeInt32(), st.ReadFloat32(k)));
            }
            SafeTensorsWriter.Write(path, entries);
        }
        return path;
    }

    private static float[] ReferenceFloats(string tensor)
    {
        using var st = SafeTensorsFile.Open(Path.Combine(Fixtures.Model("llama"), "reference.safetensors"));
        return st.ReadFloat32(tensor);
    }

    [Fact]
    public void EmptyGreedyContinuationIsRefused()
    {
        using var tmp = new TempDir();
        var path = EditedReference(tmp, "case1.greedy", SafeTensorsEntry.I64("case1.greedy", [0], []));
        var model = TransformerModel.Load(Fixtures.Model("llama"));
        var e = Assert.Throws<SafeTensorsFormatException>(() => ReferenceVerifier.Verify(model, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("case1.greedy", e.Message);
    }

    [Fact]
    public void WronglyShapedLogitsAreRefusedEvenWithTheRightValues()
    {
        using var tmp = new TempDir();
        // The right numbers, flattened: [1, 7 * 512] instead of [7, 512].
        var logits = ReferenceFloats("case0.logits");
        var path = EditedReference(tmp, "case0.logits", SafeTensorsEntry.F32("case0.logits", [1, logits.Length], logits));
        var model = TransformerModel.Load(Fixtures.Model("llama"));
        var e = Assert.Throws<SafeTensorsFormatException>(() => ReferenceVerifier.Verify(model, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("case0.logits", e.Message);
        Assert.Contains("[7, 512]", e.Message);

        // Transposed layer output: [d, T] instead of [T, d].
        var layer = ReferenceFloats("case0.layer1");
        path = EditedReference(tmp, "case0.layer1", SafeTensorsEntry.F32("case0.layer1", [64, 7], layer));
        e = Assert.Throws<SafeTensorsFormatException>(() => ReferenceVerifier.Verify(model, path));
        Assert.Contains("case0.layer1", e.Message);
    }

    [Fact]
    public void InputIdsOutsideTheVocabularyOrOfTheWrongRankAreRefused()
    {
        using var tmp = new TempDir();
        var model = TransformerModel.Load(Fixtures.Model("llama"));
        var path = EditedReference(tmp, "case2.input_ids", SafeTensorsEntry.I64("case2.input_ids", [3], [1, 600, 2]));
        var e = Assert.Throws<SafeTensorsFormatException>(() => ReferenceVerifier.Verify(model, path));
        Assert.Contains("case2.input_ids", e.Message);
        path = EditedReference(tmp, "case0.input_ids", SafeTensorsEntry.I64("case0.input_ids", [0], []));
        e = Assert.Throws<SafeTensorsFormatException>(() => ReferenceVerifier.Verify(model, path));
        Assert.Contains("case0.input_ids", e.Message);
        path = EditedReference(tmp, "case1.greedy", SafeTensorsEntry.I64("case1.greedy", [2], [5, 9999]));
        e = Assert.Throws<SafeTensorsFormatException>(() => ReferenceVerifier.Verify(model, path));
        Assert.Contains("case1.greedy", e.Message);
    }
}
