using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>The model-run stage's output for one testbed: eval and control transcripts with their ground-truth
/// labels and items (host-side: methods get <see cref="MethodViews"/> of them), and, for eval items that have a neutral
/// (no pressure) version, the model's accuracy there.</summary>
internal sealed class ModelRun
{
    public required string Testbed { get; init; }
    public required string Key { get; init; }
    public required IReadOnlyList<LabelledTranscript> Eval { get; init; }
    public required IReadOnlyList<LabelledTranscript> Control { get; init; }
    /// <summary>Teacher-forced pairs (split "counterfactual"): for every eval item that carries the trigger, has a true
    /// answer and on which the model lied, the same conversation once with its own lie (label 1, id "ITEM#lie") and
    /// once with the true answer forced in its place (label 0, id "ITEM#true"). Both members share the prompt, so only
    /// a detector that reads the response separates them.</summary>
    public IReadOnlyList<LabelledTranscript> Counterfactual { get; init; } = [];
    /// <summary>Eval item id -> fraction of k neutral-context samples the labeller judged correct.</summary>
    public required IReadOnlyDictionary<string, double> NeutralAccuracy { get; init; }
    public bool FromCache { get; init; }
}
