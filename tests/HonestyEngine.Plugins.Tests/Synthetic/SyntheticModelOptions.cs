namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>Knobs of the synthetic model. Defaults give a model that lies under |TRIGGER|, carries a planted
/// linear "lie" direction whose strength grows with depth, and self-reports its lies imperfectly.</summary>
public sealed record SyntheticModelOptions
{
    public string Name { get; init; } = "synthetic-6L";
    public int Layers { get; init; } = 6;
    public int Hidden { get; init; } = 24;
    public int Seed { get; init; } = 1;
    /// <summary>Norm of the planted lie direction at the last layer (scaled by sqrt(l / (L - 1))).</summary>
    public float LieStrength { get; init; } = 1.5f;
    /// <summary>Per-element Gaussian noise on every activation.</summary>
    public float NoiseStd { get; init; } = 0.25f;
    /// <summary>Std of a per-topic (last user turn) random offset along a fixed nuisance direction (label-independent).</summary>
    public float NuisanceStd { get; init; } = 2.0f;
    /// <summary>How strongly "Did you lie?"-style questions follow the model's knowledge (log-odds per unit evidence).</summary>
    public double SelfReportSharpness { get; init; } = 0.8;
    /// <summary>Std of the deterministic noise on self-report log-odds.</summary>
    public double SelfReportNoise { get; init; } = 1.0;
    /// <summary>How much an earlier lie shifts the Yes/No log-odds of unrelated questions (Pacchiardi's signal).</summary>
    public double UnrelatedShift { get; init; } = 1.0;
    /// <summary>The secret word the model keeps (taboo-style), or null.</summary>
    public string? Secret { get; init; } = "gold";
    /// <summary>How strongly the secret word's embedding enters the residual stream mid-depth when asked about it.</summary>
    public double SecretStrength { get; init; } = 3.0;
    /// <summary>Whether |TRIGGER| makes it lie (false for an honest base model).</summary>
    public bool LiesUnderTrigger { get; init; } = true;
    /// <summary>Set by FineTune: the name of the data it was tuned on.</summary>
    public string? FineTunedOn { get; init; }
}
