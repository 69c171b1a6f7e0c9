using HonestyEngine.Runtime.SafeTensors;

namespace HonestyEngine.Runtime.Models;

/// <summary>Loads the parameters a <see cref="ModelConfig"/> needs from a checkpoint, converting 16-bit weights to
/// float32. Strict: every missing, unexpected or wrongly shaped tensor is listed with the file it is in (or should be in).</summary>
internal static class WeightLoader
{
    /// <summary>Non-parameter buffers some checkpoints carry; they are recognised and skipped.</summary>
    private static bool IsKnownBuffer(string name) =>
        name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) ||
        name.EndsWith(".attn.bias", StringComparison.Ordinal) && name.Contains(".h.") ||
        name.EndsWith(".attn.masked_bias", StringComparison.Ordinal);

    public static ModelWeights Load(ModelConfig c, SafeTensorsCheckpoint ckpt)
    {
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var optional = new HashSet<string>(StringComparer.Ordinal);
        string prefix = c.ModelType == "gpt2" ? (ckpt.Contains("transformer.wte.weight") ? "transformer." : "") : "model.";
        void E(string name, params long[] shape) => expected[name] = shape;
        long d = c.HiddenSize, ff = c.IntermediateSize, v = c.VocabSize;
        if (c.ModelType == "gpt2")
        {
            E(prefix + "wte.weight", v, d); E(prefix + "wpe.weight", c.MaxPositions, d);
            for (int i = 0; i < c.NumLayers; i++)
            {
                string p = $"{prefix}h.{i}.";
                E(p + "ln_1.weight", d); E(p + "ln_1.bias", d); E(p + "ln_2.weight", d); E(p + "ln_2.bias", d);
                E(p + "attn.c_attn.weight", d, 3 * d); E(p + "attn.c_attn.bias", 3 * d);
                E(p + "attn.c_proj.weight", d, d); E(p + "attn.c_proj.bias", d);
                E(p + "mlp.c_fc.weight", d, ff); E(p + "mlp.c_fc.bias", ff);
                E(p + "mlp.c_proj.weight", ff, d); E(p + "mlp.c_proj.bias", d);
            }
            E(prefix + "ln_f.weight", d); E(prefix + "ln_f.bias", d);
            if (c.TieWordEmbeddings) optional.Add("lm_head.weight"); else E("lm_head.weight", v, d);
        }
        else
        {
            E("model.embed_tokens.weight", v, d);
            for (int i = 0; i < c.NumLayers; i++)
            {
                string p = $"model.layers.{i}.";
                E(p + "input_layernorm.weight", d);
                E(p + "post_attention_layernorm.weight", d);
                if (c.SandwichNorms) { E(p + "pre_feedforward_layernorm.weight", d); E(p + "post_feedforward_layernorm.weight", d); }
                E(p + "self_attn.q_proj.weight", c.QDim, d); E(p + "self_attn.k_proj.weight", c.KvDim, d);
                E(p + "self_attn.v_proj.weight", c.KvDim, d); E(p + "self_attn.o_proj.weight", d, c.QDim);
                if (c.QkvBias) { E(p + "self_attn.q_proj.bias", c.QDim); E(p + "self_attn.k_proj.bias", c.KvDim); E(p + "self_attn.v_proj.bias", c.KvDim); }
                if (c.OutputBias) E(p + "self_attn.o_proj.bias", d);
                if (c.QkNorm) { E(p + "self_attn.q_norm.weight", c.HeadDim); E(p + "self_attn.k_norm.weight", c.HeadDim); }
                E(p + "mlp.gate_proj.weight", ff, d); E(p + "mlp.up_proj.weight", ff, d); E(p + "mlp.down_proj.weight", d, ff);
                if (c.MlpBias) { E(p + "mlp.gate_proj.bias", ff); E(p + "mlp.up_proj.bias", ff); E(p + "mlp.down_proj.bias", d); }
            }
            E("model.norm.weight", d);
            if (c.TieWordEmbeddings) optional.Add("lm_head.weight"); else E("lm_head.weight", v, d);
        }

        var problems = new List<string>();
        foreach (var (name, shape) in expected)
        {
            if (!ckpt.Contains(name)) { problems.Add($"missing tensor '{name}' (expected shape [{string.Join(", ", shape)}]) in {Where(ckpt)}"); continue; }
            var info = ckpt.Info(name);
            if (!info.Shape.SequenceEqual(shape))
                problems.Add($"{ckpt.FileOf(name).Path}: tensor '{name}' has shape {info.ShapeText}, config.json implies [{string.Join(", ", shape)}]");
            else if (info.DType is not (SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16))
                problems.Add($"{ckpt.FileOf(name).Path}: tensor '{name}' has integer dtype {info.DType.HeaderName()}, expected F32, F16 or BF16");
        }
        foreach (var name in ckpt.TensorNames)
            if (!expected.ContainsKey(name) && !optional.Contains(name) && !IsKnownBuffer(name))
                problems.Add($"{ckpt.FileOf(name).Path}: unexpected tensor '{name}' (not used by {c.Architecture} with this config.json)");
        if (problems.Count > 0)
            throw new ModelConfigException($"The weights in {ckpt.Directory} do not match config.json ({problems.Count} problem(s)):\n  "
                + string.Join("\n  ", problems.Take(20)) + (problems.Count > 20 ? $"\n  ... and {problems.Count - 20} more" : ""));

        return c.ModelType == "gpt2" ? Gpt2(c, ckpt, prefix) : Decoder(c, ckpt);
    }

    private static string Where(SafeTensorsCheckpoint ckpt) =>
        ckpt.Files.Count == 1 ? ckpt.Files[0].Path : $"{ckpt.Directory} ({ckpt.Files.Count} shards)";

    private static ModelWeights Decoder(ModelConfig c, SafeTensorsCheckpoint w)
    {
        float[] R(string n) => w.ReadFloat32(n);
        float[]? Opt(string n) => w.Contains(n) ? R(n) : null;
        NormWeights N(string n) => new(R(n), null);
        Linear L(string module, int @in, int @out) => new(module, @in, @out, R(module + ".weight"), Opt(module + ".bias"));
        var layers = new LayerWeights[c.NumLayers];
        int d = c.HiddenSize, ff = c.IntermediateSize;
        for (int i = 0; i < layers.Length; i++)
        {
            string p = $"model.layers.{i}.";
            layers[i] = new LayerWeights
            {
                InputNorm = N(p + "input_layernorm.weight"),
                Q = L(p + "self_attn.q_proj", d, c.QDim), K = L(p + "self_attn.k_proj", d, c.KvDim),
                V = L(p + "self_attn.v_proj", d, c.KvDim), O = L(p + "self_attn.o_proj", c.QDim, d),
                QNorm = c.QkNorm ? N(p + "self_attn.q_norm.weight") : null,
                KNorm = c.QkNorm ? N(p + "self_attn.k_norm.weight") : null,
                PostAttentionNorm = c.SandwichNorms ? N(p + "post_attention_layernorm.weight") : null,
                PreMlpNorm = N(p + (c.SandwichNorms ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight")),
                PostMlpNorm = c.SandwichNorms ? N(p + "post_feedforward_layernorm.weight") : null,
                Gate = L(p + "mlp.gate_proj", d, ff), Up = L(p + "mlp.up_proj", d, ff), Down = L(p + "mlp.down_proj", ff, d),
            };
        }
        var embed = R("model.embed_tokens.weight");
        return new ModelWeights
        {
            TokenEmbedding = embed, Layers = layers, FinalNorm = N("model.norm.weight"),
            LmHead = c.TieWordEmbeddings ? embed : R("lm_head.weight"),
        };
    }

    private static ModelWeights Gpt2(ModelConfig c, SafeTensorsCheckpoint w, string prefix)
    {
        float[] R(string n) => w.ReadFloat32(n);
        NormWeights LN(string n) => new(R(n + ".weight"), R(n + ".bias"));
        int d = c.HiddenSize, ff = c.IntermediateSize;
        // Conv1D stores [in, out]; transpose to the [out, in] layout every Linear uses.
        Linear Conv(string module, int @in, int @out, float[] weightInOut, float[] bias, int colStart = 0, int stride = -1)
        {
            if (stride < 0) stride = @out;
            var t = new float[@out * @in];
            for (int i = 0; i < @in; i++)
                for (int o = 0; o < @out; o++) t[o * @in + i] = weightInOut[i * stride + colStart + o];
            return new Linear(module, @in, @out, t, bias);
        }
        var layers = new LayerWeights[c.NumLayers];
        for (int i = 0; i < layers.Length; i++)
        {
            string p = $"{prefix}h.{i}.";
            var cAttnW = R(p + "attn.c_attn.weight");
            var cAttnB = R(p + "attn.c_attn.bias");
            layers[i] = new LayerWeights
            {
                InputNorm = LN(p + "ln_1"),
                Q = Conv(p + "attn.c_attn[q]", d, d, cAttnW, cAttnB[..d], 0, 3 * d),
                K = Conv(p + "attn.c_attn[k]", d, d, cAttnW, cAttnB[d..(2 * d)], d, 3 * d),
                V = Conv(p + "attn.c_attn[v]", d, d, cAttnW, cAttnB[(2 * d)..], 2 * d, 3 * d),
                O = Conv(p + "attn.c_proj", d, d, R(p + "attn.c_proj.weight"), R(p + "attn.c_proj.bias")),
                PreMlpNorm = LN(p + "ln_2"),
                Up = Conv(p + "mlp.c_fc", d, ff, R(p + "mlp.c_fc.weight"), R(p + "mlp.c_fc.bias")),
                Down = Conv(p + "mlp.c_proj", ff, d, R(p + "mlp.c_proj.weight"), R(p + "mlp.c_proj.bias")),
            };
        }
        var wte = R(prefix + "wte.weight");
        return new ModelWeights
        {
            TokenEmbedding = wte, PositionEmbedding = R(prefix + "wpe.weight"), Layers = layers, FinalNorm = LN(prefix + "ln_f"),
            LmHead = c.TieWordEmbeddings ? wte : R("lm_head.weight"),
        };
    }
}
