using System.Text.Json;

namespace HonestyEngine.Runtime.Models;

/// <summary>Reads config.json (and generation_config.json for stop tokens) into a <see cref="ModelConfig"/>.
/// Accepts both the transformers-4 form (top-level rope_theta, rope_scaling, rope_local_base_freq,
/// sliding_window_pattern) and the transformers-5 form (rope_parameters, possibly per layer type; layer_types).</summary>
public static class ModelConfigLoader
{
    /// <summary>model_type values this runtime implements.</summary>
    public static readonly IReadOnlyList<string> SupportedModelTypes = ["llama", "mistral", "qwen2", "qwen3", "gemma2", "gemma3_text", "gpt2"];

    public static ModelConfig Load(string modelDir)
    {
        var path = Path.Combine(Path.GetFullPath(modelDir), "config.json");
        if (!File.Exists(path)) throw new ModelConfigException($"{path}: config.json not found in the model folder.");
        JsonDocument doc;
        var bytes = Text.StrictUtf8.ReadAllBytes(path, problem => new ModelConfigException($"{path}: {problem}."));
        try { doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ModelConfigException($"{path}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ModelConfigException($"{path}: expected a JSON object.");
            var config = Parse(new Json(path, doc.RootElement));
            var eos = new List<int>(config.EosTokenIds);
            var gen = Path.Combine(Path.GetDirectoryName(path)!, "generation_config.json");
            if (File.Exists(gen))
            {
                try
                {
                    using var g = JsonDocument.Parse(Text.StrictUtf8.ReadAllBytes(gen, problem => new ModelConfigException($"{gen}: {problem}.")));
                    if (g.RootElement.ValueKind == JsonValueKind.Object)
                        foreach (var id in TokenIds(new Json(gen, g.RootElement), "eos_token_id", config))
                            if (!eos.Contains(id)) eos.Add(id);
                }
                catch (JsonException e) { throw new ModelConfigException($"{gen}: not valid JSON ({e.Message}).", e); }
            }
            return config with { EosTokenIds = eos };
        }
    }

    /// <summary>Parses an already-read config object (exposed for tests of config variants).</summary>
    public static ModelConfig Parse(string path, JsonElement root) => Parse(new Json(path, root));

    private static ModelConfig Parse(Json j)
    {
        string modelType = j.OptString("model_type")
            ?? throw new ModelConfigException($"{j.Path}: missing 'model_type'. Supported: {string.Join(", ", SupportedModelTypes)}.");
        // transformers writes a list of class names; anything else is a corrupt file, not a missing field.
        string arch = j.OptStringList("architectures") is [var first, ..] ? first : modelType;
        if (modelType == "gemma3" && j.Root.TryGetProperty("text_config", out _))
            throw new ModelConfigException($"{j.Path}: model_type 'gemma3' is the multimodal Gemma3ForConditionalGeneration; only the text model (model_type 'gemma3_text', Gemma3ForCausalLM) is supported. Supported: {string.Join(", ", SupportedModelTypes)}.");
        return modelType switch
        {
            "llama" or "mistral" or "qwen2" or "qwen3" => Llama(j, modelType, arch),
            "gemma2" or "gemma3_text" => Gemma(j, modelType, arch),
            "gpt2" => Gpt2(j, arch),
            _ => throw new ModelConfigException($"{j.Path}: unsupported architecture model_type '{modelType}' ({arch}). Supported: {string.Join(", ", SupportedModelTypes)}."),
        };
    }

    private static ModelConfig Llama(Json j, string type, string arch)
    {
        int hidden = j.Size("hidden_size", type), layers = j.Size("num_hidden_layers", type), heads = j.Size("num_attention_heads", type);
        int kv = j.OptSize("num_key_value_heads") ?? heads;
        // transformers: head_dim = getattr(config, "head_dim", hidden_size // num_attention_heads); without head_dim the
        // heads must tile hidden_size exactly, or q_proj/o_proj would not be [hidden, hidden].
        if (j.OptSize("head_dim") is null && hidden % heads != 0)
            throw new ModelConfigException($"{j.Path}: hidden_size {hidden} is not divisible by num_attention_heads {heads} (and there is no head_dim).");
        int headDim = j.OptSize("head_dim") ?? hidden / heads;
        CheckHeads(j, heads, kv, headDim);
        bool attnBias = j.OptBool("attention_bias") ?? false;
        var windows = LayerWindows(j, type, layers);
        var rope = RopeFor(j, type, headDim, layers, windows);
        return new ModelConfig
        {
            ModelType = type, Architecture = arch, HiddenSize = hidden, NumLayers = layers, NumHeads = heads, NumKvHeads = kv,
            HeadDim = headDim, IntermediateSize = j.Size("intermediate_size", type), VocabSize = j.Size("vocab_size", type),
            MaxPositions = j.OptSize("max_position_embeddings") ?? int.MaxValue, NormEps = j.Positive("rms_norm_eps", type),
            Activation = ParseActivation(j, j.OptString("hidden_act") ?? "silu"),
            // Qwen2 always has q/k/v biases (and no o_proj bias); Llama/Qwen3 follow attention_bias for all four.
            QkvBias = type == "qwen2" || attnBias, OutputBias = type != "qwen2" && attnBias, MlpBias = j.OptBool("mlp_bias") ?? false,
            QkNorm = type == "qwen3", TieWordEmbeddings = j.OptBool("tie_word_embeddings") ?? false,
            AttentionScale = 1f / MathF.Sqrt(headDim), LayerWindows = windows, LayerRope = rope,
        }.WithTokenIds(j);
    }

    private static ModelConfig Gemma(Json j, string type, string arch)
    {
        int hidden = j.Size("hidden_size", type), layers = j.Size("num_hidden_layers", type), heads = j.Size("num_attention_heads", type);
        int kv = j.OptSize("num_key_value_heads") ?? heads;
        int headDim = j.OptSize("head_dim") ?? 256;
        CheckHeads(j, heads, kv, headDim);
        float scalar = j.OptPositive("query_pre_attn_scalar") ?? headDim;
        var windows = LayerWindows(j, type, layers);
        var rope = RopeFor(j, type, headDim, layers, windows);
        string act = j.OptString("hidden_activation") ?? j.OptString("hidden_act") ?? "gelu_pytorch_tanh";
        return new ModelConfig
        {
            ModelType = type, Architecture = arch, HiddenSize = hidden, NumLayers = layers, NumHeads = heads, NumKvHeads = kv,
            HeadDim = headDim, IntermediateSize = j.Size("intermediate_size", type), VocabSize = j.Size("vocab_size", type),
            MaxPositions = j.OptSize("max_position_embeddings") ?? int.MaxValue, NormEps = j.Positive("rms_norm_eps", type),
            NormPlusOne = true, Activation = ParseActivation(j, act), QkvBias = j.OptBool("attention_bias") ?? false,
            OutputBias = j.OptBool("attention_bias") ?? false, QkNorm = type == "gemma3_text", SandwichNorms = true,
            TieWordEmbeddings = j.OptBool("tie_word_embeddings") ?? true,
            // normalizer = torch.tensor(hidden_size**0.5, dtype=hidden_states.dtype)
            EmbedScale = (float)Math.Sqrt(hidden), AttentionScale = (float)Math.Pow(scalar, -0.5),
            AttentionSoftcap = j.OptPositive("attn_logit_softcapping"), FinalLogitSoftcap = j.OptPositive("final_logit_softcapping"),
            LayerWindows = windows, LayerRope = rope,
        }.WithTokenIds(j);
    }

    private static ModelConfig Gpt2(Json j, string arch)
    {
        int hidden = j.Size("n_embd", "gpt2"), heads = j.Size("n_head", "gpt2"), layers = j.Size("n_layer", "gpt2");
        if (hidden % heads != 0) throw new ModelConfigException($"{j.Path}: n_embd {hidden} is not divisible by n_head {heads}.");
        int headDim = hidden / heads;
        if (j.OptBool("scale_attn_by_inverse_layer_idx") == true || j.OptBool("reorder_and_upcast_attn") == true)
            throw new ModelConfigException($"{j.Path}: scale_attn_by_inverse_layer_idx / reorder_and_upcast_attn are not supported.");
        bool scale = j.OptBool("scale_attn_weights") ?? true;
        return new ModelConfig
        {
            ModelType = "gpt2", Architecture = arch, HiddenSize = hidden, NumLayers = layers, NumHeads = heads, NumKvHeads = heads,
            HeadDim = headDim, IntermediateSize = j.OptSize("n_inner") ?? checked(4 * hidden), VocabSize = j.Size("vocab_size", "gpt2"),
            MaxPositions = j.Size("n_positions", "gpt2"), NormEps = j.OptPositive("layer_norm_epsilon") ?? 1e-5f, Norm = NormKind.LayerNorm,
            Activation = ParseActivation(j, j.OptString("activation_function") ?? "gelu_new"), GatedMlp = false,
            QkvBias = true, OutputBias = true, MlpBias = true, TieWordEmbeddings = j.OptBool("tie_word_embeddings") ?? true,
            AttentionScale = scale ? 1f / MathF.Sqrt(headDim) : 1f, LayerWindows = new int?[layers], LayerRope = new RopeSettings?[layers],
            LearnedPositions = true,
        }.WithTokenIds(j);
    }

    /// <summary>GPT2Config's class default for bos/eos, which transformers writes into every gpt2 config.json whatever
    /// its vocabulary (the tiny fixtures have vocab 512 and eos 50256): an id the model cannot produce, so it is left
    /// out of the stop ids instead of refusing the checkpoint.</summary>
    private const int Gpt2DefaultSpecialId = 50256;

    /// <summary>eos_token_id / bos_token_id as ids of the vocabulary: an id outside [0, vocab_size) is refused
    /// (a model never produces it, so generation would silently never stop on it).</summary>
    private static ModelConfig WithTokenIds(this ModelConfig c, Json j)
    {
        int? bos = j.OptInt("bos_token_id");
        if (bos is { } b && (b < 0 || b >= c.VocabSize))
            bos = c.ModelType == "gpt2" && b == Gpt2DefaultSpecialId ? null
                : throw new ModelConfigException($"{j.Path}: field 'bos_token_id' is {b}, outside the vocabulary (vocab_size {c.VocabSize}).");
        return c with { EosTokenIds = TokenIds(j, "eos_token_id", c), BosTokenId = bos };
    }

    private static List<int> TokenIds(Json j, string field, ModelConfig c)
    {
        var ids = new List<int>();
        foreach (int id in j.IntList(field))
        {
            if (id >= 0 && id < c.VocabSize) ids.Add(id);
            else if (!(c.ModelType == "gpt2" && id == Gpt2DefaultSpecialId))
                throw new ModelConfigException($"{j.Path}: field '{field}' has id {id}, outside the vocabulary (vocab_size {c.VocabSize}).");
        }
        return ids;
    }

    private static void CheckHeads(Json j, int heads, int kv, int headDim)
    {
        if (heads <= 0 || kv <= 0 || headDim <= 0 || heads % kv != 0)
            throw new ModelConfigException($"{j.Path}: num_attention_heads {heads} must be a positive multiple of num_key_value_heads {kv} (head_dim {headDim}).");
    }

    private static Activation ParseActivation(Json j, string name) => name switch
    {
        "silu" or "swish" => Activation.Silu,
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => Activation.GeluTanh,
        "gelu" => Activation.GeluErf,
        _ => throw new ModelConfigException($"{j.Path}: activation '{name}' is not supported. Supported: silu, gelu, gelu_new, gelu_pytorch_tanh."),
    };

    /// <summary>Per-layer sliding windows from layer_types (transformers 5) or the per-family transformers-4 rules.</summary>
    private static int?[] LayerWindows(Json j, string type, int layers)
    {
        var result = new int?[layers];
        int? window = j.OptInt("sliding_window");
        int pattern = j.OptSize("sliding_window_pattern") ?? 6;
        int maxWindowLayers = j.OptInt("max_window_layers") ?? 0;
        if (type == "qwen2" || type == "qwen3")
            if (j.OptBool("use_sliding_window") != true) window = null;
        string[]? layerTypes = j.OptStringList("layer_types");
        if (layerTypes is not null && layerTypes.Length != layers)
            throw new ModelConfigException($"{j.Path}: layer_types has {layerTypes.Length} entries but num_hidden_layers is {layers}.");
        for (int i = 0; i < layers; i++)
        {
            bool sliding;
            if (layerTypes is not null)
                sliding = layerTypes[i] switch
                {
                    "sliding_attention" => true,
                    "full_attention" => false,
                    var t => throw new ModelConfigException($"{j.Path}: layer_types[{i}] = '{t}' is not supported (full_attention, sliding_attention)."),
                };
            else sliding = type switch
            {
                "gemma2" => i % 2 == 0,
                "gemma3_text" => (i + 1) % pattern != 0,
                "mistral" => window is not null,
                "qwen2" or "qwen3" => window is not null && i >= maxWindowLayers,
                _ => false,
            };
            if (sliding)
            {
                if (type is "qwen2" or "qwen3" && window is null) { result[i] = null; continue; }
                if (window is null or <= 0)
                    throw new ModelConfigException($"{j.Path}: layer {i} uses sliding attention but 'sliding_window' is missing or not positive.");
                result[i] = window;
            }
        }
        return result;
    }

    /// <summary>Rope settings per layer. transformers 5: rope_parameters {rope_theta, rope_type, ...} or
    /// {"full_attention": {...}, "sliding_attention": {...}}; transformers 4: rope_theta + rope_scaling
    /// (+ Gemma 3's rope_local_base_freq for sliding layers, where rope_scaling applies to global layers only).</summary>
    private static RopeSettings?[] RopeFor(Json j, string type, int headDim, int layers, int?[] windows)
    {
        double partial = j.OptDouble("partial_rotary_factor") ?? 1.0;
        if (!(partial > 0 && partial <= 1))
            throw new ModelConfigException($"{j.Path}: field 'partial_rotary_factor' must be in (0, 1], found {partial.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        RopeSettings Build(string where, JsonElement? p, double defaultTheta, bool allowScaling)
        {
            var dict = new Dictionary<string, double>();
            string ropeType = "default";
            double theta = defaultTheta;
            double part = partial;
            if (p is { ValueKind: JsonValueKind.Object } obj)
            {
                foreach (var prop in obj.EnumerateObject())
                    if (prop.Value.ValueKind == JsonValueKind.Number)
                        dict[prop.Name] = prop.Value.TryGetDouble(out double v) && double.IsFinite(v) ? v
                            : throw new ModelConfigException($"{j.Path}: field '{where}.{prop.Name}' must be a finite number, found {prop.Value.GetRawText()}.");
                if (obj.TryGetProperty("rope_type", out var rt) && rt.ValueKind == JsonValueKind.String) ropeType = rt.GetString()!;
                else if (obj.TryGetProperty("type", out var t2) && t2.ValueKind == JsonValueKind.String) ropeType = t2.GetString()!;
                if (dict.TryGetValue("rope_theta", out var th)) theta = th;
                if (dict.TryGetValue("partial_rotary_factor", out var pf)) part = pf;
            }
            if (!(part > 0 && part <= 1))
                throw new ModelConfigException($"{j.Path}: field '{where}.partial_rotary_factor' must be in (0, 1], found {part.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            if (!allowScaling) ropeType = "default";
            int rotary = (int)(headDim * part);
            return RopeSettings.Create($"{j.Path} ({where})", ropeType, theta, rotary, dict);
        }

        var result = new RopeSettings?[layers];
        double topTheta = j.OptDouble("rope_theta") ?? (type == "gemma3_text" ? 1_000_000.0 : 10_000.0);
        if (j.Root.TryGetProperty("rope_parameters", out var rp) && rp.ValueKind == JsonValueKind.Object)
        {
            bool perType = rp.TryGetProperty("full_attention", out _) || rp.TryGetProperty("sliding_attention", out _);
            if (perType)
            {
                RopeSettings? full = rp.TryGetProperty("full_attention", out var f) ? Build("rope_parameters.full_attention", f, topTheta, true) : null;
                RopeSettings? slide = rp.TryGetProperty("sliding_attention", out var s) ? Build("rope_parameters.sliding_attention", s, 10_000.0, true) : null;
                for (int i = 0; i < layers; i++)
                    result[i] = (windows[i] is null ? full : slide)
                        ?? throw new ModelConfigException($"{j.Path}: rope_parameters has no entry for {(windows[i] is null ? "full_attention" : "sliding_attention")} used by layer {i}.");
                return result;
            }
            var one = Build("rope_parameters", rp, topTheta, true);
            Array.Fill(result, one);
            return result;
        }
        JsonElement? scaling = j.Root.TryGetProperty("rope_scaling", out var rs) && rs.ValueKind == JsonValueKind.Object ? rs : null;
        var global = Build("rope_theta/rope_scaling", scaling, topTheta, true);
        if (type == "gemma3_text")
        {
            double local = j.OptDouble("rope_local_base_freq") ?? 10_000.0;
            var localRope = Build("rope_local_base_freq", null, local, false);
            for (int i = 0; i < layers; i++) result[i] = windows[i] is null ? global : localRope;
        }
        else Array.Fill(result, global);
        return result;
    }

    /// <summary>Typed access to config fields with errors naming the file and field.</summary>
    private sealed class Json(string path, JsonElement root)
    {
        public string Path { get; } = path;
        public JsonElement Root { get; } = root;

        private JsonElement? Get(string name) =>
            Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

        public int Int(string name, string arch) => OptInt(name)
            ?? throw new ModelConfigException($"{Path}: missing field '{name}' required by {arch}.");
        public float Float(string name, string arch) => OptFloat(name)
            ?? throw new ModelConfigException($"{Path}: missing field '{name}' required by {arch}.");

        /// <summary>A required size (a count or a width): a positive integer.</summary>
        public int Size(string name, string arch) => OptSize(name)
            ?? throw new ModelConfigException($"{Path}: missing field '{name}' required by {arch}.");

        public int? OptSize(string name) => OptInt(name) is not { } v ? null
            : v > 0 ? v : throw new ModelConfigException($"{Path}: field '{name}' must be a positive integer, found {v}.");

        /// <summary>A required positive, finite float (an epsilon, a scale).</summary>
        public float Positive(string name, string arch) => OptPositive(name)
            ?? throw new ModelConfigException($"{Path}: missing field '{name}' required by {arch}.");

        public float? OptPositive(string name) => OptDouble(name) is not { } d ? null
            : d > 0 && float.IsFinite((float)d) && (float)d > 0 ? (float)d
            : throw new ModelConfigException($"{Path}: field '{name}' must be a positive finite number, found {Raw(name)}.");

        private string Raw(string name) => Get(name) is { } v ? v.GetRawText() : "null";

        public int? OptInt(string name)
        {
            if (Get(name) is not { } v) return null;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)) return i;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue) return (int)d;
            throw new ModelConfigException($"{Path}: field '{name}' must be an integer, found {v.GetRawText()}.");
        }

        public double? OptDouble(string name)
        {
            if (Get(name) is not { } v) return null;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && double.IsFinite(d)) return d;
            throw new ModelConfigException($"{Path}: field '{name}' must be a finite number, found {v.GetRawText()}.");
        }

        public float? OptFloat(string name) => OptDouble(name) is { } d ? (float)d : null;

        public bool? OptBool(string name)
        {
            if (Get(name) is not { } v) return null;
            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
            throw new ModelConfigException($"{Path}: field '{name}' must be true or false, found {v.GetRawText()}.");
        }

        public string? OptString(string name)
        {
            if (Get(name) is not { } v) return null;
            if (v.ValueKind == JsonValueKind.String) return v.GetString();
            throw new ModelConfigException($"{Path}: field '{name}' must be a string, found {v.GetRawText()}.");
        }

        public string[]? OptStringList(string name)
        {
            if (Get(name) is not { } v) return null;
            if (v.ValueKind != JsonValueKind.Array) throw new ModelConfigException($"{Path}: field '{name}' must be a list of strings.");
            return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!
                : throw new ModelConfigException($"{Path}: field '{name}' must be a list of strings.")).ToArray();
        }

        /// <summary>An int or a list of ints (eos_token_id takes both forms); empty when absent.</summary>
        public List<int> IntList(string name)
        {
            if (Get(name) is not { } v) return [];
            if (v.ValueKind == JsonValueKind.Number) return [OptInt(name)!.Value];
            if (v.ValueKind == JsonValueKind.Array)
                return v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int x) ? x
                    : throw new ModelConfigException($"{Path}: field '{name}' must be an integer or a list of integers.")).ToList();
            throw new ModelConfigException($"{Path}: field '{name}' must be an integer or a list of integers.");
        }
    }
}
