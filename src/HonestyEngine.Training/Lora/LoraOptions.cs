namespace HonestyEngine.Training.Lora;

/// <summary>LoRA settings, named as in PEFT's LoraConfig. Scale is lora_alpha / r (or / sqrt(r) with use_rslora).</summary>
public sealed record LoraOptions
{
    public int Rank { get; init; } = 8;
    public float Alpha { get; init; } = 16f;
    /// <summary>PEFT target_modules: any of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj.</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];
    /// <summary>Layers to adapt (PEFT layers_to_transform); null means all.</summary>
    public IReadOnlyList<int>? Layers { get; init; }
    /// <summary>Seed for the A matrices; B starts at zero so the adapted model equals the base.</summary>
    public int Seed { get; init; }

    /// <summary>PEFT use_rslora: scale alpha / sqrt(r) instead of alpha / r.</summary>
    public bool UseRsLora { get; init; }

    public float Scale => UseRsLora ? Alpha / MathF.Sqrt(Rank) : Alpha / Rank;
}
