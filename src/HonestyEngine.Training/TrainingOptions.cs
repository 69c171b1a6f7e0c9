using HonestyEngine.Abstractions;
using HonestyEngine.Training.Lora;

namespace HonestyEngine.Training;

/// <summary>How to train. Lora = null is full fine-tuning (every parameter); otherwise only a new
/// LoRA adapter's A and B train.</summary>
public sealed record TrainingOptions
{
    public int Steps { get; init; } = 100;
    /// <summary>Sequences per optimizer step.</summary>
    public int BatchSize { get; init; } = 8;
    public float LearningRate { get; init; } = 1e-3f;
    public int WarmupSteps { get; init; }
    /// <summary>Cosine decays to LearningRate * MinLearningRateRatio at the last step.</summary>
    public float MinLearningRateRatio { get; init; } = 0.1f;
    public float WeightDecay { get; init; } = 0.01f;
    /// <summary>Global gradient-norm clip; 0 disables.</summary>
    public float ClipNorm { get; init; } = 1f;
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;
    /// <summary>Seeds the batch order (and, via Lora.Seed, the adapter's A).</summary>
    public int Seed { get; init; }
    public LoraOptions? Lora { get; init; }
    /// <summary>Steering vectors added to the residual stream while training (preventative steering).</summary>
    public IReadOnlyList<AddVectorEdit> SteeringEdits { get; init; } = [];

    public void Validate()
    {
        if (Steps <= 0) throw new ArgumentException($"TrainingOptions.Steps must be positive (got {Steps}).");
        if (BatchSize <= 0) throw new ArgumentException($"TrainingOptions.BatchSize must be positive (got {BatchSize}).");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentException($"TrainingOptions.LearningRate must be positive (got {LearningRate}).");
        if (WarmupSteps < 0) throw new ArgumentException($"TrainingOptions.WarmupSteps must be >= 0 (got {WarmupSteps}).");
        if (WeightDecay < 0) throw new ArgumentException($"TrainingOptions.WeightDecay must be >= 0 (got {WeightDecay}).");
        if (ClipNorm < 0) throw new ArgumentException($"TrainingOptions.ClipNorm must be >= 0 (got {ClipNorm}).");
        if (MinLearningRateRatio is < 0 or > 1) throw new ArgumentException($"TrainingOptions.MinLearningRateRatio must be in [0, 1] (got {MinLearningRateRatio}).");
    }
}

/// <summary>Reported after every optimizer step.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, float LearningRate, double GradNorm, int Tokens, double TokensPerSecond);

/// <summary>The outcome of <see cref="Trainer.Train"/>: per-step losses, and the adapter when LoRA was trained.</summary>
public sealed record TrainingReport(IReadOnlyList<double> Losses, IReadOnlyList<double> GradNorms, long TokensProcessed, TimeSpan Elapsed, LoraAdapter? Adapter)
{
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? TokensProcessed / Elapsed.TotalSeconds : 0;
}
