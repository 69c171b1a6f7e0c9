namespace HonestyEngine.Training.Model;

/// <summary>The parameters of one decoder block, named after the HF modules.</summary>
public sealed class LlamaLayerParameters
{
    public required ParameterTensor InputLayerNorm { get; init; }
    public required ParameterTensor QProj { get; init; }
    public required ParameterTensor KProj { get; init; }
    public required ParameterTensor VProj { get; init; }
    public required ParameterTensor OProj { get; init; }
    public required ParameterTensor PostAttentionLayerNorm { get; init; }
    public required ParameterTensor GateProj { get; init; }
    public required ParameterTensor UpProj { get; init; }
    public required ParameterTensor DownProj { get; init; }

    public static LlamaLayerParameters Create(LlamaTrainingConfig c, int i)
    {
        string p = $"model.layers.{i}.";
        int d = c.HiddenSize, ff = c.IntermediateSize;
        return new LlamaLayerParameters
        {
            InputLayerNorm = new(p + "input_layernorm.weight", [d]),
            QProj = new(p + "self_attn.q_proj.weight", [c.QueryWidth, d]),
            KProj = new(p + "self_attn.k_proj.weight", [c.KeyValueWidth, d]),
            VProj = new(p + "self_attn.v_proj.weight", [c.KeyValueWidth, d]),
            OProj = new(p + "self_attn.o_proj.weight", [d, c.QueryWidth]),
            PostAttentionLayerNorm = new(p + "post_attention_layernorm.weight", [d]),
            GateProj = new(p + "mlp.gate_proj.weight", [ff, d]),
            UpProj = new(p + "mlp.up_proj.weight", [ff, d]),
            DownProj = new(p + "mlp.down_proj.weight", [d, ff]),
        };
    }

    /// <summary>The linear projection named by its PEFT target-module name (q_proj ... down_proj).</summary>
    public ParameterTensor Projection(string module) => module switch
    {
        "q_proj" => QProj, "k_proj" => KProj, "v_proj" => VProj, "o_proj" => OProj,
        "gate_proj" => GateProj, "up_proj" => UpProj, "down_proj" => DownProj,
        _ => throw new ArgumentException($"Unknown llama projection '{module}'. Expected one of: {string.Join(", ", ProjectionNames)}."),
    };

    public static readonly string[] ProjectionNames = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public IEnumerable<ParameterTensor> All()
    {
        yield return InputLayerNorm; yield return QProj; yield return KProj; yield return VProj; yield return OProj;
        yield return PostAttentionLayerNorm; yield return GateProj; yield return UpProj; yield return DownProj;
    }
}
