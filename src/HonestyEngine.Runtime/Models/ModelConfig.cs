namespace HonestyEngine.Runtime.Models;

/// <summary>Normalization layer family.</summary>
public enum NormKind { RmsNorm, LayerNorm }

/// <summary>MLP activation (hidden_act / hidden_activation / activation_function).</summary>
public enum Activation { Silu, GeluTanh, GeluErf }

/// <summary>Everything the forward pass needs from config.json, normalized across architectures and across the
/// transformers-4 and transformers-5 spellings. Built by <see cref="ModelConfigLoader"/>.</summary>
public sealed record ModelConfig
{
    /// <summary>config.json model_type: llama, mistral, qwen2, qwen3, gemma2, gemma3_text, gpt2.</summary>
    public required string ModelType { get; init; }
    public required string Architecture { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKvHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int IntermediateSize { get; init; }
    public required int VocabSize { get; init; }
    public required int MaxPositions { get; init; }
    public required float NormEps { get; init; }
    public NormKind Norm { get; init; } = NormKind.RmsNorm;
    /// <summary>Gemma's RMSNorm scales by (1 + w).</summary>
    public bool NormPlusOne { get; init; }
    public required Activation Activation { get; init; }
    /// <summary>Gated MLP down(act(gate(x)) * up(x)); false for GPT-2's c_fc/c_proj.</summary>
    public bool GatedMlp { get; init; } = true;
    public bool QkvBias { get; init; }
    public bool OutputBias { get; init; }
    public bool MlpBias { get; init; }
    /// <summary>Per-head RMSNorm on q and k (Qwen3, Gemma 3).</summary>
    public bool QkNorm { get; init; }
    /// <summary>Gemma 2/3: post_attention_layernorm on the attention output and pre/post feed-forward norms.</summary>
    public bool SandwichNorms { get; init; }
    public required bool TieWordEmbeddings { get; init; }
    /// <summary>Multiplier on token embeddings (Gemma: sqrt(hidden_size) rounded to the weight dtype); 1 otherwise.</summary>
    public float EmbedScale { get; init; } = 1f;
    /// <summary>Score multiplier (head_dim^-0.5, or query_pre_attn_scalar^-0.5 for Gemma).</summary>
    public required float AttentionScale { get; init; }
    public float? AttentionSoftcap { get; init; }
    public float? FinalLogitSoftcap { get; init; }
    /// <summary>Per layer: the sliding window (keys j with i - j &lt; window) or null for full attention.</summary>
    public required int?[] LayerWindows { get; init; }
    /// <summary>Per layer rotary settings, or null for learned absolute positions (GPT-2).</summary>
    public required RopeSettings?[] LayerRope { get; init; }
    /// <summary>GPT-2 learned position embeddings.</summary>
    public bool LearnedPositions { get; init; }
    /// <summary>End-of-sequence ids from config.json and generation_config.json.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? BosTokenId { get; init; }

    public int QDim => NumHeads * HeadDim;
    public int KvDim => NumKvHeads * HeadDim;
}
