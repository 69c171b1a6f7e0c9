namespace HonestyEngine.Runtime.Models;

/// <summary>A norm's parameters (bias only for LayerNorm).</summary>
public sealed record NormWeights(float[] Weight, float[]? Bias);

/// <summary>The parameters of one decoder block, in a family-neutral layout (GPT-2's fused c_attn is split into
/// q/k/v and its Conv1D weights are transposed to [out, in] at load).</summary>
public sealed class LayerWeights
{
    public required NormWeights InputNorm { get; init; }
    public required Linear Q { get; init; }
    public required Linear K { get; init; }
    public required Linear V { get; init; }
    public required Linear O { get; init; }
    public NormWeights? QNorm { get; init; }
    public NormWeights? KNorm { get; init; }
    /// <summary>Gemma: post_attention_layernorm on the attention output.</summary>
    public NormWeights? PostAttentionNorm { get; init; }
    /// <summary>The norm before the MLP (post_attention_layernorm in Llama, pre_feedforward_layernorm in Gemma, ln_2 in GPT-2).</summary>
    public required NormWeights PreMlpNorm { get; init; }
    public NormWeights? PostMlpNorm { get; init; }
    public Linear? Gate { get; init; }
    public required Linear Up { get; init; }
    public required Linear Down { get; init; }

    public IEnumerable<Linear> Linears()
    {
        yield return Q; yield return K; yield return V; yield return O;
        if (Gate is not null) yield return Gate;
        yield return Up; yield return Down;
    }
}

/// <summary>All parameters of a model.</summary>
public sealed class ModelWeights
{
    /// <summary>[vocab, d].</summary>
    public required float[] TokenEmbedding { get; init; }
    /// <summary>GPT-2 [n_positions, d].</summary>
    public float[]? PositionEmbedding { get; init; }
    public required LayerWeights[] Layers { get; init; }
    public required NormWeights FinalNorm { get; init; }
    /// <summary>[vocab, d]; the same array as <see cref="TokenEmbedding"/> when tied.</summary>
    public required float[] LmHead { get; init; }
}
