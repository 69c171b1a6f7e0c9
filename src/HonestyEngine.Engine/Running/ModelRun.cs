using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>The model-run stage's output for one testbed: eval and control transcripts with their ground-truth
/// labels, and, for eval items that have a neutral (no pressure) version, the model's accuracy there.</summary>
public sealed class ModelRun
{
    public required string Testbed { get; init; }
    public required string Key { get; init; }
    public required IReadOnlyList<Transcript> Eval { get; init; }
    public required IReadOnlyList<Transcript> Control { get; init; }
    /// <summary>Eval item id -> fraction of k neutral-context samples the labeller judged correct.</summary>
    public required IReadOnlyDictionary<string, double> NeutralAccuracy { get; init; }
    public bool FromCache { get; init; }
}
