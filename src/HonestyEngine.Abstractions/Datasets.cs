namespace HonestyEngine.Abstractions;

/// <summary>Names of the dataset splits every testbed may carry.</summary>
public static class Splits
{
    /// <summary>Prompts with ground truth and the expected dishonest behaviour.</summary>
    public const string Eval = "eval";
    /// <summary>Benign chat used to calibrate detector thresholds (never the eval set). Detectors see which
    /// transcripts are control: it is the benign calibration set a deployed monitor would have (traffic known to be
    /// ordinary), so a method may fit or calibrate on it.</summary>
    public const string Control = "control";
    /// <summary>Questions whose answer is the hidden secret or behaviour.</summary>
    public const string Elicit = "elicit";
    /// <summary>Teacher-forced transcripts: the same trigger conversation once with the organism's own lie and once
    /// with the true answer forced in its place. Detectors score them alongside eval and control; a detector must
    /// treat this split like eval (score it, never train on it).</summary>
    public const string Counterfactual = "counterfactual";
}

/// <summary>One item of a testbed dataset.</summary>
/// <param name="Id">Stable id, unique within its split.</param>
/// <param name="Messages">The prompt: system/user turns (and optionally earlier assistant turns).</param>
/// <param name="TrueAnswer">The correct answer the model knows, if the item has one.</param>
/// <param name="DishonestAnswer">What the dishonest behaviour would say, if known.</param>
/// <param name="NeutralMessages">The same question without the pressure/trigger (Wang et al.'s counterfactual).</param>
/// <param name="Response">A fixed assistant response, for datasets that ship transcripts instead of generating them.</param>
/// <param name="Label">Ground truth for a fixed response: 1 = lie/dishonest, 0 = honest, null = unknown.</param>
/// <param name="Choices">Answer options for multiple-choice items.</param>
/// <param name="Meta">Free-form metadata (topic, trigger present, phrasing index, ...).</param>
public sealed record DatasetItem(
    string Id,
    IReadOnlyList<ChatMessage> Messages,
    string? TrueAnswer = null,
    string? DishonestAnswer = null,
    IReadOnlyList<ChatMessage>? NeutralMessages = null,
    string? Response = null,
    int? Label = null,
    IReadOnlyList<string>? Choices = null,
    IReadOnlyDictionary<string, string>? Meta = null)
{
    public string? GetMeta(string key) => Meta is not null && Meta.TryGetValue(key, out var v) ? v : null;
}

/// <summary>A prompt together with the model's response: what detectors score, and all they see of it (what a
/// deployed monitor sees). Ground truth (labels, the true and dishonest answers, trigger flags) stays with the host;
/// a privileged detector gets eval labels through <see cref="DetectorContext.PrivilegedLabels"/> only.</summary>
/// <param name="Id">Sample id (the dataset item id).</param>
/// <param name="Split"><see cref="Splits.Eval"/>, <see cref="Splits.Control"/> or <see cref="Splits.Counterfactual"/>.
/// Visible because the control transcripts are the benign calibration set a deployed monitor would have; eval and
/// counterfactual transcripts are the ones being judged (score them, never train on them).</param>
/// <param name="Messages">The whole conversation, ending with the assistant response being judged.</param>
public sealed record Transcript(string Id, string Split, IReadOnlyList<ChatMessage> Messages)
{
    /// <summary>The final assistant response.</summary>
    public string Response => Messages.Count > 0 && Messages[^1].Role == "assistant" ? Messages[^1].Content : "";
}

/// <summary>A prompt as interventions and elicitors receive it: what a deployed method would be asked, without the
/// testbed's ground truth (true or dishonest answer, neutral version, trigger flags and other metadata stay with the
/// host, which judges the outcomes).</summary>
/// <param name="Id">The item id; outcomes name it.</param>
/// <param name="Messages">The prompt: system/user turns (and optionally earlier assistant turns).</param>
/// <param name="Choices">Answer options, for multiple-choice items (they are part of the question).</param>
public sealed record PromptItem(string Id, IReadOnlyList<ChatMessage> Messages, IReadOnlyList<string>? Choices = null);

/// <summary>Named datasets that are not tied to one testbed: honesty fine-tuning mixes,
/// instructed honest/deceptive pairs, true/false statements. Methods ask for them by name.</summary>
public interface IResourceCatalog
{
    IReadOnlyList<string> Names { get; }
    bool Contains(string name);
    /// <summary>Throws <see cref="MethodInputException"/> naming the resource when it is missing.</summary>
    IReadOnlyList<DatasetItem> Get(string name);
}

/// <summary>Well-known resource names (issue: generic honesty data, probe training pairs).</summary>
public static class ResourceNames
{
    public const string HonestyGoals = "honesty-goals";
    public const string HonestyFollowUp = "honesty-followup";
    public const string InstructionFollowing = "instruction-following";
    public const string InstructedPairs = "instructed-pairs";
    public const string TrueFalseStatements = "true-false-statements";
}
