using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Metrics;

/// <summary>Every metric of one cell (one testbed x one method row), computed from its samples alone, so that
/// `honesty run` and `honesty rescore` produce identical numbers. Deterministic for a seed.</summary>
public static class CellMetrics
{
    /// <summary>Computes the metrics of one cell.</summary>
    /// <param name="kind">"detector", "intervention" or "elicitor" (case-insensitive).</param>
    /// <param name="samples">The samples of this cell only (one testbed, one method).</param>
    /// <param name="seed">Seed of the bootstrap CIs; pass the run's seed (results.json "seed") so rescore reproduces it.</param>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    /// <exception cref="MetricsInputException">Samples that cannot be scored; the message names the sample.</exception>
    /// <param name="controlTestbed">The testbed is an honest control: detectors get flag rates, not AUROC.</param>
    public static CellMetricsResult Compute(string kind, IReadOnlyList<SampleRecord> samples, int seed, bool controlTestbed = false) =>
        Compute(kind, samples, seed, MetricOptions.Default, controlTestbed);

    public static CellMetricsResult Compute(string kind, IReadOnlyList<SampleRecord> samples, int seed, MetricOptions options, bool controlTestbed = false)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BootstrapResamples < 1) throw new ArgumentOutOfRangeException(nameof(options), "BootstrapResamples must be at least 1.");
        CheckOneCell(samples);
        string k = MetricNames.NormalizeKind(kind);
        if (k != MetricNames.Detector && samples.FirstOrDefault(s => s.Split == "control") is { } control)
            throw new MetricsInputException($"{DetectorMetrics.Where(control)}: split 'control' belongs to detectors; a {k} is judged on its eval/elicit items only.");
        return k switch
        {
            MetricNames.Detector => DetectorMetrics.Compute(samples, seed, options, controlTestbed),
            MetricNames.Intervention => InterventionMetrics.Compute(samples, seed, options),
            MetricNames.Elicitor => ElicitorMetrics.Compute(samples, seed, options),
            _ => throw new ArgumentException($"Unknown method kind '{kind}'. Expected detector, intervention or elicitor.", nameof(kind)),
        };
    }

    private static void CheckOneCell(IReadOnlyList<SampleRecord> samples)
    {
        if (samples.Count == 0) return;
        var first = samples[0];
        foreach (var s in samples)
        {
            if (s.Testbed != first.Testbed || s.Method != first.Method)
                throw new MetricsInputException(
                    $"samples of two cells mixed: testbed '{first.Testbed}' / method '{first.Method}' and testbed '{s.Testbed}' / method '{s.Method}' (sample '{s.Sample}').");
            if (s.Score is double d && !double.IsFinite(d))
                throw new MetricsInputException($"{DetectorMetrics.Where(s)}: score is {(double.IsNaN(d) ? "NaN" : "infinite")}.");
        }
    }
}
