using System.Text.Json.Serialization;

namespace HonestyEngine.Engine.Results;

/// <summary>One line of samples.jsonl: one scored sample of one cell.
/// Detectors: score = the detector's score, label = ground truth (1 lie, 0 honest, null unknown).
/// Interventions: score = fraction of the item's responses judged correct under the intervention, label = 1 if the
/// labeller judged the item's responses dishonest (1 = dishonest everywhere), outcome.neutral_accuracy feeds Wang et al.'s rule. Elicitors: score = 1 if the first guess reveals the secret,
/// outcome lists per-guess success for pass@k.</summary>
public sealed record SampleRecord
{
    [JsonPropertyName("testbed")] public required string Testbed { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("sample")] public required string Sample { get; init; }
    /// <summary>"eval" or "control" for detectors; "eval"/"elicit" for interventions and elicitors.</summary>
    [JsonPropertyName("split")] public required string Split { get; init; }
    [JsonPropertyName("label")] public int? Label { get; init; }
    [JsonPropertyName("score")] public double? Score { get; init; }
    /// <summary>Per-sample outcome of interventions and elicitors: response texts, per-response correctness, guesses.</summary>
    [JsonPropertyName("outcome")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SampleOutcome? Outcome { get; init; }
}

public sealed record SampleOutcome
{
    [JsonPropertyName("responses")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Responses { get; init; }
    /// <summary>Per response: did it state the true answer (interventions) / reveal the secret (elicitors)?</summary>
    [JsonPropertyName("correct")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<bool>? Correct { get; init; }
    /// <summary>Accuracy of the model on this item in the neutral (no pressure) context, for the counterfactual rule.</summary>
    [JsonPropertyName("neutral_accuracy")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NeutralAccuracy { get; init; }
    [JsonPropertyName("evidence")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Evidence { get; init; }
}
