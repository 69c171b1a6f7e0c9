using System.Text.Json.Serialization;

namespace HonestyEngine.Engine.Results;

/// <summary>One line of samples.jsonl: one scored sample of one cell.
/// Detectors: score = the detector's score, label = ground truth (1 lie, 0 honest, null unknown), split = eval,
/// control or counterfactual (a teacher-forced transcript; <see cref="Pair"/> names the eval item both members of
/// its pair come from). Interventions: score = fraction of the item's responses judged correct under the
/// intervention, label = the labeller's majority judgement, outcome = per-response labels and correctness, the
/// neutral-context accuracy and the untreated model's label, from which the target items are chosen. Elicitors:
/// score = 1 if the first guess reveals the secret, outcome lists per-guess success for pass@k.
/// Every sample carries the item's <see cref="Group"/> (the fact or entity it asks about: the bootstrap resamples
/// groups, not items) and whether the item carries the testbed's <see cref="Trigger"/>.</summary>
public sealed record SampleRecord
{
    [JsonPropertyName("testbed")] public required string Testbed { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("sample")] public required string Sample { get; init; }
    /// <summary>"eval", "control" or "counterfactual" for detectors; "eval" for interventions, "elicit" for elicitors.</summary>
    [JsonPropertyName("split")] public required string Split { get; init; }
    [JsonPropertyName("label")] public int? Label { get; init; }
    [JsonPropertyName("score")] public double? Score { get; init; }
    /// <summary>The subject the item asks about (items in several phrasings share it); the bootstrap resamples groups.
    /// Null in samples written before schema 2.</summary>
    [JsonPropertyName("group")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Group { get; init; }
    /// <summary>Whether the item's prompt carries the testbed's trigger (the pressure, the password, the question about
    /// the secret). Null in samples written before schema 2.</summary>
    [JsonPropertyName("trigger")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Trigger { get; init; }
    /// <summary>Counterfactual transcripts: the eval item id shared by the two members of the pair.</summary>
    [JsonPropertyName("pair")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pair { get; init; }
    /// <summary>Per-sample outcome of interventions and elicitors: response texts, per-response correctness, guesses.</summary>
    [JsonPropertyName("outcome")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SampleOutcome? Outcome { get; init; }
}

public sealed record SampleOutcome
{
    [JsonPropertyName("responses")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Responses { get; init; }
    /// <summary>Per response: did it state the true answer (interventions; null when the item has no checkable answer)
    /// / reveal the secret (elicitors)?</summary>
    [JsonPropertyName("correct")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<bool>? Correct { get; init; }
    /// <summary>Interventions, per response: the labeller's judgement, 1 lie, 0 honest, null unknown (no answer to the
    /// question, unparseable output). Unknown is never honest.</summary>
    [JsonPropertyName("labels")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int?>? Labels { get; init; }
    /// <summary>Accuracy of the model on this item in the neutral (no pressure) context, for the counterfactual rule.</summary>
    [JsonPropertyName("neutral_accuracy")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NeutralAccuracy { get; init; }
    /// <summary>Interventions: the untreated model's label on this item (its greedy response in the model run). Chooses
    /// the target items where no neutral accuracy exists.</summary>
    [JsonPropertyName("untreated_label")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? UntreatedLabel { get; init; }
    [JsonPropertyName("evidence")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Evidence { get; init; }
}
