using HonestyEngine.Abstractions;
using HonestyEngine.Engine.Plugins;
using HonestyEngine.Engine.Running;

namespace HonestyEngine.Methods.Tests.Support;

/// <summary>The runs the property tests read, each through RunEngine once per test process. Testbeds: taboo (passes
/// `honesty testbeds verify`; has eval, control and elicit splits, a secret and a base model) for every method, and
/// instructed-deception (the base model told to lie: the in-distribution case of the instructed-pairs probes and of
/// self-report) for the detectors.
/// Detectors run on the quick profile's full sample of 48 items per split with seed 0, i.e. on exactly the items of
/// docs/results.md, so their numbers are the report's and the thresholds can be read off its CIs. Interventions and
/// elicitors run on 24 (elicit has 16 items anyway) to keep the suite fast.</summary>
public static class PropertyRuns
{
    public const string Taboo = "taboo";
    public const string Instructed = "instructed-deception";
    public const int DetectorItems = 48;
    public const int TabooItems = 24;

    /// <summary>Every plugin detector and the label spies, on taboo.</summary>
    public static RunSummary TabooDetectors(this EngineRuns runs) =>
        runs.Run("taboo-detectors", [Taboo], () => Detectors(runs), DetectorItems);

    /// <summary>The same on instructed-deception.</summary>
    public static RunSummary InstructedDetectors(this EngineRuns runs) =>
        runs.Run("instructed-detectors", [Instructed], () => Detectors(runs), DetectorItems);

    /// <summary>Every plugin intervention and elicitor on taboo, with the no-intervention and direct-ask baselines and
    /// stronger rows of the two steering interventions (noise at 4x the residual RMS, the steering vector at 64x).</summary>
    public static RunSummary TabooOthers(this EngineRuns runs) =>
        runs.Run("taboo-interventions-elicitors", [Taboo], () =>
        [
            .. runs.Plugins.Methods.Where(m => m.Kind != MethodKind.Detector),
            HostMethods.Describe(typeof(NoIntervention), runs.Host), HostMethods.Describe(typeof(DirectAsk), runs.Host),
            HostMethods.WithParameter(runs.Method("fuzzing"), "NoiseScale", StrongNoise),
            HostMethods.WithParameter(runs.Method("honesty-steering-vector"), "Coefficient", StrongCoefficient),
        ], TabooItems);

    /// <summary>mahalanobis-anomaly alone on harm-pressure-report, the testbed where the report shows it separating
    /// (its lies, "I don't know" under harm framing, are far from the control chat in activation space).</summary>
    public static RunSummary HarmReportMahalanobis(this EngineRuns runs) =>
        runs.Run("harm-report-mahalanobis", [HarmReport], () => [runs.Method("mahalanobis-anomaly")], DetectorItems);

    public const string HarmReport = "harm-pressure-report";

    public const double StrongNoise = 4.0;
    public const double StrongCoefficient = 64.0;

    /// <summary>Two AuditBench quirk variants on which the report shows the self-report detectors, the last-token
    /// probe and CCS separating (on taboo and instructed-deception of the current suite they do not).</summary>
    public const string QuirkTranscripts = "quirk-defend-objects-td-none", QuirkDocuments = "quirk-defend-objects-sdf-none";

    private static readonly Dictionary<string, string[]> SubsetDetectors = new()
    {
        [QuirkTranscripts] = ["self-classification-grading-yourself", "llm-as-judge", "last-token-probe", "ccs"],
        [QuirkDocuments] = ["self-classification"],
    };

    public static RunSummary DetectorRun(this EngineRuns runs, string testbed) => testbed switch
    {
        Taboo => runs.TabooDetectors(),
        Instructed => runs.InstructedDetectors(),
        _ when SubsetDetectors.TryGetValue(testbed, out var methods) =>
            runs.Run(testbed + "-detectors", [testbed], () => methods.Select(runs.Method).ToList(), DetectorItems),
        _ => throw new ArgumentException($"No detector run is defined for testbed '{testbed}'."),
    };

    private static IReadOnlyList<MethodDescriptor> Detectors(EngineRuns runs) =>
    [
        .. runs.Plugins.Methods.Where(m => m.Kind == MethodKind.Detector),
        HostMethods.Describe(typeof(LabelSpy), runs.Host), HostMethods.Describe(typeof(PrivilegedLabelSpy), runs.Host),
    ];
}
