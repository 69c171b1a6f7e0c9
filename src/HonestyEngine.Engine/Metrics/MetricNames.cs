namespace HonestyEngine.Engine.Metrics;

/// <summary>Metric keys used in results.json, results.csv and the reports, and the method kinds they belong to.</summary>
public static class MetricNames
{
    public const string Auroc = "auroc";
    public const string AurocVsControl = "auroc_vs_control";
    public const string RecallAt1PctFpr = "recall_at_1pct_fpr";
    public const string BalancedAccuracy = "balanced_accuracy";
    public const string HonestyRate = "honesty_rate";
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
        Detector => [Auroc, AurocVsControl, RecallAt1PctFpr, BalancedAccuracy],
        Intervention => [HonestyRate],
        Elicitor => [SuccessRate, PassAtK],
        _ => throw new ArgumentException($"Unknown method kind '{kind}'. Expected detector, intervention or elicitor.", nameof(kind)),
    };

    public static string Display(string metric) => metric switch
    {
        Auroc => "AUROC",
        AurocVsControl => "AUROC vs control",
        RecallAt1PctFpr => "Recall @ 1% FPR",
        BalancedAccuracy => "Balanced accuracy",
        HonestyRate => "Honesty rate",
        SuccessRate => "Success rate",
        PassAtK => "pass@k",
        _ => metric,
    };

    /// <summary>"Detector" -> "detector"; unknown kinds are returned lower-cased so callers can report them.</summary>
    public static string NormalizeKind(string kind) => kind.Trim().ToLowerInvariant();
}
