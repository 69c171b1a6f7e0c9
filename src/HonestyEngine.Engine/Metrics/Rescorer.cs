using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Metrics;

/// <summary>Recomputes every metric of a finished run from its samples alone (no model): the cell metadata
/// (family, kind, anchor, parameters, status, error, seconds, cache key) comes from results.json, n and metrics
/// from samples.jsonl. Cells that failed or were skipped keep their status and error.</summary>
public static class Rescorer
{
    public sealed record Outcome(RunResults Results, IReadOnlyList<string> Warnings);

    public static Outcome Rescore(RunResults previous, IReadOnlyList<SampleRecord> samples, MetricOptions? options = null)
    {
        options ??= MetricOptions.Default;
        var byCell = new Dictionary<(string Testbed, string Method), List<SampleRecord>>();
        foreach (var s in samples)
        {
            if (!byCell.TryGetValue((s.Testbed, s.Method), out var list)) byCell[(s.Testbed, s.Method)] = list = [];
            list.Add(s);
        }

        var warnings = new List<string>();
        var cells = new List<CellResult>(previous.Cells.Count);
        var known = new HashSet<(string, string)>();
        foreach (var cell in previous.Cells)
        {
            known.Add((cell.Testbed, cell.Method));
            if (cell.Status != CellStatus.Ok)
            {
                cells.Add(cell);
                continue;
            }
            if (!byCell.TryGetValue((cell.Testbed, cell.Method), out var cellSamples))
            {
                warnings.Add($"cell {cell.Testbed} x {cell.Method}: no samples in samples.jsonl; its metrics are undefined.");
                cellSamples = [];
            }
            try
            {
                var m = CellMetrics.Compute(cell.Kind, cellSamples, previous.Seed, options);
                cells.Add(cell with { N = m.N, Metrics = m.Metrics });
            }
            catch (Exception e) when (e is MetricsInputException or ArgumentException)
            {
                warnings.Add($"cell {cell.Testbed} x {cell.Method}: cannot be rescored: {e.Message}");
                cells.Add(cell with { Status = CellStatus.Failed, Error = $"rescore: {e.Message}", N = 0, Metrics = new Dictionary<string, MetricValue>() });
            }
        }
        foreach (var key in byCell.Keys.Where(k => !known.Contains(k)).OrderBy(k => k.Testbed, StringComparer.Ordinal).ThenBy(k => k.Method, StringComparer.Ordinal))
            warnings.Add($"samples.jsonl has {MetricValues.Plural(byCell[key].Count, "sample")} of testbed '{key.Testbed}' x method '{key.Method}', which is not a cell of results.json; ignored.");
        return new Outcome(previous with { Cells = cells }, warnings);
    }
}
