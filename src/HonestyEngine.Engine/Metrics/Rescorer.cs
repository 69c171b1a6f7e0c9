using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Metrics;

/// <summary>Recomputes every metric of a finished run from its samples alone (no model): the cell metadata
/// (family, kind, role, anchor, parameters, status, error, seconds, cache key) comes from results.json, n, metrics and
/// rankings from samples.jsonl, through the same <see cref="RunMetrics"/> as the run. Cells that failed or were skipped
/// keep their status and error.</summary>
public static class Rescorer
{
    public sealed record Outcome(RunResults Results, IReadOnlyList<string> Warnings);

    public static Outcome Rescore(RunResults previous, IReadOnlyList<SampleRecord> samples, MetricOptions? options = null)
    {
        var known = previous.Cells.Select(c => (c.Testbed, c.Method)).ToHashSet();
        var scored = RunMetrics.Compute(previous, samples, options);
        var warnings = scored.Warnings.ToList();
        foreach (var group in samples.GroupBy(s => (s.Testbed, s.Method)).Where(g => !known.Contains(g.Key))
                     .OrderBy(g => g.Key.Testbed, StringComparer.Ordinal).ThenBy(g => g.Key.Method, StringComparer.Ordinal))
            warnings.Add($"samples.jsonl has {MetricValues.Plural(group.Count(), "sample")} of testbed '{group.Key.Testbed}' x method '{group.Key.Method}', which is not a cell of results.json; ignored.");
        return new Outcome(scored.Results, warnings);
    }
}
