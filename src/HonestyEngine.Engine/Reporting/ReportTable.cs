using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>The method x testbed table of one kind's headline metric (AUROC for detectors, honesty rate for
/// interventions, success rate for elicitors), with each method's mean over testbeds and its rank by that mean.
/// Every exporter renders this same model, so the tables agree.</summary>
public sealed class ReportTable
{
    public required string Kind { get; init; }
    public required string Metric { get; init; }
    /// <summary>Testbeds in the order the run first lists them.</summary>
    public required IReadOnlyList<string> Testbeds { get; init; }
    /// <summary>Best first; methods without any defined value last, by name.</summary>
    public required IReadOnlyList<ReportRow> Rows { get; init; }

    public sealed record ReportRow(string Method, IReadOnlyList<CellResult?> Cells, double? Mean, int MeanOver, int? Rank)
    {
        public MetricValue? Value(int testbed, string metric) =>
            Cells[testbed] is { Status: CellStatus.Ok } c && c.Metrics.TryGetValue(metric, out var m) ? m : null;
    }

    /// <summary>The table of one kind, or null when the run has no cell of that kind.</summary>
    public static ReportTable? Build(RunResults results, string kind)
    {
        var cells = results.Cells.Where(c => MetricNames.NormalizeKind(c.Kind) == kind).ToList();
        if (cells.Count == 0) return null;
        string metric = MetricNames.Headline(kind);
        var testbeds = cells.Select(c => c.Testbed).Distinct(StringComparer.Ordinal).ToList();
        var methods = cells.Select(c => c.Method).Distinct(StringComparer.Ordinal).ToList();
        var byKey = new Dictionary<(string, string), CellResult>();
        foreach (var c in cells) byKey[(c.Testbed, c.Method)] = c; // a later duplicate (rerun) wins

        var rows = new List<ReportRow>();
        foreach (var method in methods)
        {
            var rowCells = testbeds.Select(t => byKey.TryGetValue((t, method), out var c) ? c : null).ToList();
            var values = rowCells
                .Select(c => c is { Status: CellStatus.Ok } && c.Metrics.TryGetValue(metric, out var m) ? m.Value : null)
                .OfType<double>().ToList();
            rows.Add(new ReportRow(method, rowCells, values.Count == 0 ? null : values.Average(), values.Count, null));
        }

        // Standard competition ranking ("1, 2, 2, 4") by mean, higher is better for every headline metric.
        var ranked = rows.Where(r => r.Mean is not null).OrderByDescending(r => r.Mean).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
        var result = new List<ReportRow>(rows.Count);
        for (int i = 0; i < ranked.Count; i++)
        {
            int rank = i > 0 && ranked[i].Mean == ranked[i - 1].Mean ? result[i - 1].Rank!.Value : i + 1;
            result.Add(ranked[i] with { Rank = rank });
        }
        result.AddRange(rows.Where(r => r.Mean is null).OrderBy(r => r.Method, StringComparer.Ordinal));
        return new ReportTable { Kind = kind, Metric = metric, Testbeds = testbeds, Rows = result };
    }

    public static IEnumerable<ReportTable> BuildAll(RunResults results) =>
        MetricNames.Kinds.Select(k => Build(results, k)).OfType<ReportTable>();

    /// <summary>"0.850" or "0.850 (3/4)" when the mean covers fewer testbeds than the table has.</summary>
    public string MeanText(ReportRow row) =>
        row.Mean is not double m ? "n/a" : row.MeanOver == Testbeds.Count ? Format.Metric(m) : $"{Format.Metric(m)} ({row.MeanOver}/{Testbeds.Count})";

    /// <summary>What a table cell shows: the value with CI, "n/a" (undefined, see notes), "failed: ..." with the
    /// start of the error, "skipped", or "—" when the run has no such cell.</summary>
    public static string CellText(CellResult? cell, string metric) => cell switch
    {
        null => "—",
        { Status: CellStatus.Ok } => cell.Metrics.TryGetValue(metric, out var m) ? Format.WithCi(m) : "n/a",
        { Status: CellStatus.Failed } => $"failed: {Format.Short(cell.Error, 60)}",
        { Status: CellStatus.Skipped } => "skipped",
        _ => cell.Status,
    };

    /// <summary>Like <see cref="CellText"/> but only the status word for failed or skipped cells, for tables with one
    /// column per metric (the error is listed once below the table).</summary>
    public static string MetricText(CellResult? cell, string metric) =>
        cell is { Status: CellStatus.Failed or CellStatus.Skipped } ? cell.Status : CellText(cell, metric);

    public static string KindTitle(string kind) => kind switch
    {
        MetricNames.Detector => "Detectors",
        MetricNames.Intervention => "Interventions",
        MetricNames.Elicitor => "Elicitors",
        _ => kind,
    };
}
