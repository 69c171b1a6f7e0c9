namespace HonestyEngine.Training.Model;

/// <summary>What one decoder block saves in its forward pass for its backward pass. Buffers are
/// reused across steps and grow only when a batch has more rows than any before.</summary>
internal sealed class LayerActivations
{
    public float[] X = [];        // hook_resid_pre (after any steering edit)
    public float[] Rstd1 = [];    // input_layernorm 1/rms per row
    public float[] H1 = [];       // input_layernorm output
    public float[] Q = [], K = [], V = [];   // projections, q and k after RoPE
    public float[] Probs = [];    // softmax probabilities per (sequence, head)
    public float[] Attn = [];     // attention output before o_proj
    public float[] XMid = [];     // hook_resid_mid
    public float[] Rstd2 = [];
    public float[] H2 = [];       // post_attention_layernorm output
    public float[] Gate = [], Up = [], Act = [];   // act = silu(gate) * up
    public readonly Dictionary<string, float[]> LoraXA = new();   // module -> x A^T [rows, r]

    public static float[] Ensure(ref float[] buffer, long length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer;
    }
}
