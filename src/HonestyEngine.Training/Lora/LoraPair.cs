using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Lora;

/// <summary>The low-rank update of one projection, as PEFT defines it: W' = W + (alpha / r) * B A,
/// with A [r, in] and B [out, r]; names are PEFT's adapter keys.</summary>
public sealed class LoraPair
{
    public int Layer { get; }
    public string Module { get; }
    public ParameterTensor A { get; }
    public ParameterTensor B { get; }
    public float Scale { get; }
    public int Rank => A.Rows;

    public LoraPair(int layer, string module, int rank, int inFeatures, int outFeatures, float scale)
    {
        Layer = layer; Module = module; Scale = scale;
        string prefix = $"base_model.model.model.layers.{layer}.{LoraAdapter.ModulePath(module)}";
        A = new ParameterTensor(prefix + ".lora_A.weight", [rank, inFeatures]);
        B = new ParameterTensor(prefix + ".lora_B.weight", [outFeatures, rank]);
    }
}
