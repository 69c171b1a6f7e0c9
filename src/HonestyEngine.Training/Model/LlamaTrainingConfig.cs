using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HonestyEngine.Training.Model;

/// <summary>The shape of a llama-family decoder, named exactly as in a Hugging Face <c>config.json</c>
/// (<c>LlamaForCausalLM</c>). Written in transformers-4 style (top-level <c>rope_theta</c>) so both
/// the engine's runtime and transformers 4/5 load it; read from either style.</summary>
public sealed record LlamaTrainingConfig
{
    public int HiddenSize { get; init; } = 256;
    public int IntermediateSize { get; init; } = 688;
    public int NumHiddenLayers { get; init; } = 4;
    public int NumAttentionHeads { get; init; } = 8;
    public int NumKeyValueHeads { get; init; } = 4;
    /// <summary>Per-head width; 0 means hidden_size / num_attention_heads.</summary>
    public int HeadDim { get; init; }
    public float RopeTheta { get; init; } = 10000f;
    public float RmsNormEps { get; init; } = 1e-5f;
    public int VocabSize { get; init; } = 2048;
    public bool TieWordEmbeddings { get; init; }
    public int MaxPositionEmbeddings { get; init; } = 256;
    public float InitializerRange { get; init; } = 0.02f;
    public int? BosTokenId { get; init; }
    public int? EosTokenId { get; init; }
    public int? PadTokenId { get; init; }

    public int ResolvedHeadDim => HeadDim > 0 ? HeadDim : HiddenSize / Math.Max(1, NumAttentionHeads);
    public int QueryWidth => NumAttentionHeads * ResolvedHeadDim;
    public int KeyValueWidth => NumKeyValueHeads * ResolvedHeadDim;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate(string source = "LlamaTrainingConfig")
    {
        void Require(bool ok, string what) { if (!ok) throw new ArgumentException($"{source}: {what}"); }
        Require(HiddenSize > 0, $"hidden_size must be positive (got {HiddenSize}).");
        Require(IntermediateSize > 0, $"intermediate_size must be positive (got {IntermediateSize}).");
        Require(NumHiddenLayers > 0, $"num_hidden_layers must be positive (got {NumHiddenLayers}).");
        Require(NumAttentionHeads > 0, $"num_attention_heads must be positive (got {NumAttentionHeads}).");
        Require(NumKeyValueHeads > 0 && NumAttentionHeads % NumKeyValueHeads == 0,
            $"num_key_value_heads ({NumKeyValueHeads}) must be positive and divide num_attention_heads ({NumAttentionHeads}).");
        Require(HeadDim > 0 || HiddenSize % NumAttentionHeads == 0,
            $"hidden_size ({HiddenSize}) is not divisible by num_attention_heads ({NumAttentionHeads}) and no head_dim is given.");
        Require(ResolvedHeadDim % 2 == 0, $"head_dim must be even for RoPE (got {ResolvedHeadDim}).");
        Require(VocabSize > 0, $"vocab_size must be positive (got {VocabSize}).");
        Require(MaxPositionEmbeddings > 0, $"max_position_embeddings must be positive (got {MaxPositionEmbeddings}).");
        Require(RopeTheta > 0 && float.IsFinite(RopeTheta), $"rope_theta must be a positive number (got {RopeTheta}).");
        Require(RmsNormEps > 0 && float.IsFinite(RmsNormEps), $"rms_norm_eps must be a positive number (got {RmsNormEps}).");
    }

    /// <param name="torchDtype">the torch_dtype field: float32 or bfloat16, as the weights are saved</param>
    public string ToJson(string torchDtype = "float32")
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["attention_bias"] = false,
            ["attention_dropout"] = 0.0,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["pad_token_id"] = PadTokenId,
            ["head_dim"] = ResolvedHeadDim,
            ["hidden_act"] = "silu",
            ["hidden_size"] = HiddenSize,
            ["initializer_range"] = InitializerRange,
            ["intermediate_size"] = IntermediateSize,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["mlp_bias"] = false,
            ["model_type"] = "llama",
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["pretraining_tp"] = 1,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_scaling"] = null,
            ["rope_theta"] = RopeTheta,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["torch_dtype"] = torchDtype,
            ["transformers_version"] = "4.46.0",
            ["use_cache"] = true,
            ["vocab_size"] = VocabSize,
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a llama <c>config.json</c> (transformers 4 or 5 style). Errors name the file and field.</summary>
    public static LlamaTrainingConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No config.json at '{path}'.", path);
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
        if (root is not JsonObject o) throw new InvalidDataException($"{path}: expected a JSON object.");
        return FromJson(o, path);
    }

    public static LlamaTrainingConfig FromJson(JsonObject o, string source)
    {
        string? modelType = o["model_type"]?.GetValue<string>();
        if (modelType is not null && modelType != "llama")
            throw new InvalidDataException($"{source}: model_type is '{modelType}'; the trainer supports llama only.");
        int Int(string name, int? fallback = null)
        {
            var n = o[name];
            if (n is null) return fallback ?? throw new InvalidDataException($"{source}: missing required field '{name}'.");
            try { return n.GetValue<int>(); }
            catch (Exception e) when (e is InvalidOperationException or FormatException) { throw new InvalidDataException($"{source}: field '{name}' must be an integer (got {n.ToJsonString()}).", e); }
        }
        float Float(JsonNode? n, string name, float fallback)
        {
            if (n is null) return fallback;
            try { return (float)n.GetValue<double>(); }
            catch (Exception e) when (e is InvalidOperationException or FormatException) { throw new InvalidDataException($"{source}: field '{name}' must be a number (got {n.ToJsonString()}).", e); }
        }
        int? OptInt(string name) => o[name] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

        // transformers 5 moves rope_theta into rope_parameters; scaled RoPE variants are not trained here.
        var ropeParams = o["rope_parameters"] as JsonObject;
        float theta = Float(o["rope_theta"] ?? ropeParams?["rope_theta"], "rope_theta", 10000f);
        string? ropeType = (o["rope_scaling"] as JsonObject)?["rope_type"]?.GetValue<string>()
                           ?? (o["rope_scaling"] as JsonObject)?["type"]?.GetValue<string>()
                           ?? ropeParams?["rope_type"]?.GetValue<string>();
        if (ropeType is not null && ropeType != "default")
            throw new InvalidDataException($"{source}: rope type '{ropeType}' is not supported by the trainer (only default RoPE).");
        if (o["attention_bias"] is JsonValue ab && ab.GetValue<bool>())
            throw new InvalidDataException($"{source}: attention_bias=true is not supported by the trainer.");
        if (o["mlp_bias"] is JsonValue mb && mb.GetValue<bool>())
            throw new InvalidDataException($"{source}: mlp_bias=true is not supported by the trainer.");
        if (o["hidden_act"]?.GetValue<string>() is { } act && act != "silu")
            throw new InvalidDataException($"{source}: hidden_act '{act}' is not supported by the trainer (silu only).");

        int heads = Int("num_attention_heads");
        var cfg = new LlamaTrainingConfig
        {
            HiddenSize = Int("hidden_size"),
            IntermediateSize = Int("intermediate_size"),
            NumHiddenLayers = Int("num_hidden_layers"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Int("num_key_value_heads", heads),
            HeadDim = o["head_dim"] is JsonValue ? Int("head_dim") : 0,
            RopeTheta = theta,
            RmsNormEps = Float(o["rms_norm_eps"], "rms_norm_eps", 1e-6f),
            VocabSize = Int("vocab_size"),
            TieWordEmbeddings = o["tie_word_embeddings"] is JsonValue t && t.GetValue<bool>(),
            MaxPositionEmbeddings = Int("max_position_embeddings", 2048),
            InitializerRange = Float(o["initializer_range"], "initializer_range", 0.02f),
            BosTokenId = OptInt("bos_token_id"),
            EosTokenId = OptInt("eos_token_id"),
            PadTokenId = OptInt("pad_token_id"),
        };
        try { cfg.Validate(source); }
        catch (ArgumentException e) { throw new InvalidDataException(e.Message, e); }
        return cfg;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"llama d={HiddenSize} ff={IntermediateSize} L={NumHiddenLayers} H={NumAttentionHeads}/{NumKeyValueHeads} hd={ResolvedHeadDim} V={VocabSize}");
}
