using HonestyEngine.Abstractions;

namespace HonestyEngine.Engine.Running;

/// <summary>Everything `honesty run` was asked to do.</summary>
public sealed record RunOptions
{
    public IReadOnlyList<string> TestbedGlobs { get; init; } = [];
    public IReadOnlyList<string> MethodGlobs { get; init; } = [];
    public RunProfile Profile { get; init; } = RunProfile.Full;
    public int Seed { get; init; }
    /// <summary>Where results go; the CLI defaults it to results/&lt;yyyyMMdd-HHmmss&gt;/.</summary>
    public required string OutputDirectory { get; init; }
    /// <summary>Cache root: cells/ (one file per finished cell), model-runs/ (transcripts), methods/ (per-cell artefacts).</summary>
    public required string CacheDirectory { get; init; }
    /// <summary>The device string given to the compute backend factory, recorded in results.json.</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>How many cells may run at once (cells of one testbed always run one at a time; see <see cref="RunEngine"/>).</summary>
    public int Parallelism { get; init; } = 1;
    /// <summary>Budget of methods that do not declare <c>TimeBudgetSeconds</c>.</summary>
    public TimeSpan DefaultTimeBudget { get; init; } = TimeSpan.FromSeconds(600);
    /// <summary>Responses sampled per item for interventions and for the neutral-context accuracy; null = 4 (full) / 1 (quick).</summary>
    public int? SamplesPerItem { get; init; }
    /// <summary>At most this many items per split in the quick profile (a seeded sample).</summary>
    public int QuickItemLimit { get; init; } = 48;
    /// <summary>Tokens generated per response in the model-run stage unless the testbed sets property "max_new_tokens".</summary>
    public int MaxNewTokens { get; init; } = 48;

    /// <summary>Add the engine's reference rows (untreated model, trigger-presence oracle, response-text baseline, direct
    /// question) to every kind the selection has. Off only in tests that count cells of their own methods.</summary>
    public bool ReferenceRows { get; init; } = true;

    /// <summary>Settings of the metrics (bootstrap resamples, control FPR, the minimum per class). The defaults are the
    /// report's; `honesty rescore` uses them too.</summary>
    public Metrics.MetricOptions Metrics { get; init; } = Engine.Metrics.MetricOptions.Default;

    public int EffectiveSamplesPerItem => SamplesPerItem ?? (Profile == RunProfile.Quick ? 1 : 4);
    public string ProfileName => Profile == RunProfile.Quick ? "quick" : "full";
}
