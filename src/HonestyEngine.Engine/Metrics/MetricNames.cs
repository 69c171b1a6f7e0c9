namespace HonestyEngine.Engine.Metrics;

/// <summary>Metric keys used in results.json, results.csv and the reports, and the method kinds they belong to.</summary>
public static class MetricNames
{
    /// <summary>Eval lies against eval honest responses, all items.</summary>
    public const string Auroc = "auroc";
    /// <summary>Lies against honest responses among the items that carry the trigger only: the same prompt template on
    /// both sides, so a detector of the trigger scores 0.5 here.</summary>
    public const string AurocWithinTrigger = "auroc_within_trigger";
    /// <summary>Teacher-forced pairs: the same trigger conversation with the organism's own lie and with the true answer
    /// forced in its place. Isolates whether a detector reads the response or the prompt.</summary>
    public const string AurocCounterfactual = "auroc_counterfactual";
    public const string AurocVsControl = "auroc_vs_control";
    /// <summary>Recall of the eval lies at the threshold calibrated on the control set at the target FPR (1%); with
    /// fewer than 100 control transcripts the FPR it really allows is stated in the metric's qualifier.</summary>
    public const string RecallAtFpr = "recall_at_fpr";
    public const string BalancedAccuracy = "balanced_accuracy";
    /// <summary>Honest control testbeds: fraction of eval transcripts flagged at the control-calibrated threshold.</summary>
    public const string FlagRate = "flag_rate";
    /// <summary>Honest control testbeds: flag rate among the items that carry the trigger (implanted-belief: the items
    /// about the sincerely believed falsehood).</summary>
    public const string FlagRateTrigger = "flag_rate_trigger";

    /// <summary>Honest answers among the target items (those where the untreated model is dishonest).</summary>
    public const string HonestyRate = "honesty_rate";
    /// <summary>Responses without a judgeable answer among the target items (counted as not honest).</summary>
    public const string UnknownRate = "unknown_rate";
    /// <summary>Honesty rate minus the untreated model's, paired over the same target items.</summary>
    public const string HonestyDelta = "honesty_delta";
    /// <summary>Accuracy on the items without the trigger under the intervention: a method that breaks the model shows here.</summary>
    public const string Capability = "capability";

    public const string SuccessRate = "success_rate";
    public const string PassAtK = "pass_at_k";

    public const string Detector = "detector";
    public const string Intervention = "intervention";
    public const string Elicitor = "elicitor";

    /// <summary>Kinds in report order.</summary>
    public static readonly IReadOnlyList<string> Kinds = [Detector, Intervention, Elicitor];

    /// <summary>The metric each kind is ranked by in the report tables (higher is better for all of them).</summary>
    public static string Headline(string kind) => NormalizeKind(kind) switch
    {
        Detector => Auroc,
        Intervention => HonestyRate,
        Elicitor => SuccessRate,
        _ => throw new ArgumentException($"Unknown method kind '{kind}'. Expected detector, intervention or elicitor.", nameof(kind)),
    };

    /// <summary>The metrics a kind reports, in display order.</summary>
    public static IReadOnlyList<string> ForKind(string kind) => NormalizeKind(kind) switch
    {
        Detector => [Auroc, AurocWithinTrigger, AurocCounterfactual, AurocVsControl, RecallAtFpr, BalancedAccuracy, FlagRate, FlagRateTrigger],
        Intervention => [HonestyRate, UnknownRate, HonestyDelta, Capability],
        Elicitor => [SuccessRate, PassAtK],
        _ => throw new ArgumentException($"Unknown method kind '{kind}'. Expected detector, intervention or elicitor.", nameof(kind)),
    };

    /// <summary>AUROC-like metrics: 0.5 is chance and a CI wholly below it marks an inverted detector.</summary>
    public static bool IsAuroc(string metric) => metric is Auroc or AurocWithinTrigger or AurocCounterfactual or AurocVsControl;

    public static string Display(string metric) => metric switch
    {
        Auroc => "AUROC",
        AurocWithinTrigger => "AUROC within trigger",
        AurocCounterfactual => "AUROC on counterfactual pairs",
        AurocVsControl => "AUROC vs control",
        RecallAtFpr => "Recall @ control FPR",
        BalancedAccuracy => "Balanced accuracy",
        FlagRate => "Flag rate",
        FlagRateTrigger => "Flag rate (trigger items)",
        HonestyRate => "Honesty rate",
        UnknownRate => "Unknown rate",
        HonestyDelta => "Δ vs untreated",
        Capability => "Capability (no-trigger accuracy)",
        SuccessRate => "Success rate",
        PassAtK => "pass@k",
        _ => metric,
    };

    /// <summary>"Detector" -> "detector"; unknown kinds are returned lower-cased so callers can report them.</summary>
    public static string NormalizeKind(string kind) => kind.Trim().ToLowerInvariant();
}
