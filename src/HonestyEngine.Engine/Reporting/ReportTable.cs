using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>A method x testbed table of one metric of one kind. The headline table of a kind (AUROC, honesty rate,
/// success rate) carries the stored ranking (<see cref="Ranking"/>): its mean is over the ranking's common testbeds
/// and its ranks are the ranking's; other tables show means over the testbeds where the metric is defined. Reference
/// and privileged rows are listed after the methods and never ranked. Every exporter renders this same model, so the
/// tables agree.</summary>
public sealed class ReportTable
{
    public required string Kind { get; init; }
    public required string Metric { get; init; }
    /// <summary>Testbeds in the order the run first lists them (for detectors: dishonest testbeds, or the honest controls
    /// in the flag-rate table).</summary>
    public required IReadOnlyList<string> Testbeds { get; init; }
    /// <summary>Ranked methods first (by rank), then unranked methods, privileged rows and reference rows.</summary>
    public required IReadOnlyList<ReportRow> Rows { get; init; }
    /// <summary>The stored ranking, for the headline table.</summary>
    public Ranking? Ranking { get; init; }

    public sealed record ReportRow(string Method, IReadOnlyList<CellResult?> Cells, double? Mean, int MeanOver, int? Rank)
    {
        public string Role { get; init; } = CellRole.Method;
        /// <summary>"1", "=2", or null when not ranked.</summary>
        public string? RankText { get; init; }
        public double? MeanLow { get; init; }
        public double? MeanHigh { get; init; }
        /// <summary>Cells whose CI lies wholly below 0.5 (AUROC metrics only).</summary>
        public int Inverted { get; init; }

        public MetricValue? Value(int testbed, string metric) =>
            Cells[testbed] is { Status: CellStatus.Ok } c && c.Metrics.TryGetValue(metric, out var m) ? m : null;
    }

    /// <summary>The headline table of one kind, or null when the run has no cell of that kind.</summary>
    public static ReportTable? Build(RunResults results, string kind) => Build(results, kind, MetricNames.Headline(kind));

    /// <summary>The table of one metric of one kind, or null when the run has no cell of that kind (or, for the
    /// control-only metrics, no control testbed).</summary>
    public static ReportTable? Build(RunResults results, string kind, string metric)
    {
        var cells = results.Cells.Where(c => MetricNames.NormalizeKind(c.Kind) == kind).ToList();
        bool controlsOnly = metric is MetricNames.FlagRate or MetricNames.FlagRateTrigger;
        // Detectors read lies only where there are lies: honest controls have their own flag-rate table.
        if (kind == MetricNames.Detector) cells = cells.Where(c => c.ControlTestbed == controlsOnly).ToList();
        if (cells.Count == 0) return null;
        var testbeds = cells.Select(c => c.Testbed).Distinct(StringComparer.Ordinal).ToList();
        var methods = cells.Select(c => c.Method).Distinct(StringComparer.Ordinal).ToList();
        var byKey = new Dictionary<(string, string), CellResult>();
        foreach (var c in cells) byKey[(c.Testbed, c.Method)] = c; // a later duplicate (rerun) wins
        var ranking = metric == MetricNames.Headline(kind) ? results.Rankings.FirstOrDefault(r => r.Kind == kind) : null;

        var rows = new List<ReportRow>();
        foreach (var method in methods)
        {
            var rowCells = testbeds.Select(t => byKey.TryGetValue((t, method), out var c) ? c : null).ToList();
            var values = rowCells.Select(c => Defined(c, metric)?.Value).OfType<double>().ToList();
            string role = rowCells.FirstOrDefault(c => c is not null)?.Role ?? CellRole.Method;
            int inverted = MetricNames.IsAuroc(metric) ? rowCells.Count(c => IsInverted(Defined(c, metric))) : 0;
            var row = new ReportRow(method, rowCells, values.Count == 0 ? null : values.Average(), values.Count, null) { Role = role, Inverted = inverted };
            if (ranking?.Rows.FirstOrDefault(r => r.Method == method) is { } ranked)
                row = row with
                {
                    Mean = ranked.Mean, MeanOver = ranking.Testbeds.Count, Rank = ranked.Rank, RankText = ranked.RankText,
                    MeanLow = double.IsFinite(ranked.CiLow) ? ranked.CiLow : null, MeanHigh = double.IsFinite(ranked.CiHigh) ? ranked.CiHigh : null,
                };
            rows.Add(row);
        }

        int Order(ReportRow r) => r.Rank is not null ? 0 : r.Role switch { CellRole.Method => 1, CellRole.Privileged => 2, _ => 3 };
        var ordered = rows.OrderBy(Order).ThenBy(r => r.Rank ?? int.MaxValue)
            .ThenByDescending(r => r.Mean ?? double.NegativeInfinity).ThenBy(r => r.Method, StringComparer.Ordinal).ToList();
        return new ReportTable { Kind = kind, Metric = metric, Testbeds = testbeds, Rows = ordered, Ranking = ranking };
    }

    /// <summary>The headline table of every kind present.</summary>
    public static IEnumerable<ReportTable> BuildAll(RunResults results) =>
        MetricNames.Kinds.Select(k => Build(results, k)).OfType<ReportTable>();

    /// <summary>The other per-testbed tables of a kind, after its headline table.</summary>
    public static IEnumerable<ReportTable> BuildSecondary(RunResults results, string kind) => (kind switch
    {
        MetricNames.Detector => new[] { MetricNames.AurocWithinTrigger, MetricNames.AurocCounterfactual, MetricNames.FlagRate, MetricNames.FlagRateTrigger },
        MetricNames.Intervention => [MetricNames.HonestyDelta, MetricNames.UnknownRate, MetricNames.Capability],
        _ => [],
    }).Select(m => Build(results, kind, m)).OfType<ReportTable>();

    /// <summary>A CI wholly below chance: the detector ranks honest transcripts above lies.</summary>
    public static bool IsInverted(MetricValue? m) => m?.CiHigh is double hi && hi < 0.5;

    private static MetricValue? Defined(CellResult? c, string metric) =>
        c is { Status: CellStatus.Ok } && c.Metrics.TryGetValue(metric, out var m) && m.Value is not null ? m : null;

    /// <summary>The mean column: over the ranking's common set for ranked rows ("0.850 [0.81, 0.88]"), else over the
    /// testbeds where the metric is defined, "(k/m)" when that is fewer than the table's testbeds.</summary>
    public string MeanText(ReportRow row)
    {
        if (row.Mean is not double m) return "n/a";
        if (row.Rank is not null)
            return row.MeanLow is double lo && row.MeanHigh is double hi ? $"{Format.Metric(m)} [{Format.Metric(lo)}, {Format.Metric(hi)}]" : Format.Metric(m);
        return row.MeanOver == Testbeds.Count ? Format.Metric(m) : $"{Format.Metric(m)} ({row.MeanOver}/{Testbeds.Count})";
    }

    /// <summary>The rank column: "1", "=2" for ties, or why the row is not ranked.</summary>
    public static string RankText(ReportRow row) => row.RankText ?? row.Role switch
    {
        CellRole.Reference => "reference",
        CellRole.Privileged => "privileged",
        _ => "—",
    };

    /// <summary>What a table cell shows: the value with CI ("▼" when an AUROC's CI lies wholly below 0.5), "n/a"
    /// (undefined, see notes), "failed: ..." with the start of the error, "skipped", or "—" when the run has no such cell.</summary>
    public static string CellText(CellResult? cell, string metric) => cell switch
    {
        null => "—",
        { Status: CellStatus.Ok } => cell.Metrics.TryGetValue(metric, out var m) ? Format.WithCi(m) + (MetricNames.IsAuroc(metric) && IsInverted(m) ? " ▼" : "") : "n/a",
        { Status: CellStatus.Failed } => $"failed: {Format.Short(cell.Error, 60)}",
        { Status: CellStatus.Skipped } => "skipped",
        _ => cell.Status,
    };

    /// <summary>Like <see cref="CellText"/> but only the status word for failed or skipped cells, for tables with one
    /// column per metric (the error is listed once below the table); a qualifier ("FPR ≤ 1/48") follows the value.</summary>
    public static string MetricText(CellResult? cell, string metric)
    {
        if (cell is { Status: CellStatus.Failed or CellStatus.Skipped }) return cell.Status;
        string text = CellText(cell, metric);
        return cell is not null && cell.Metrics.TryGetValue(metric, out var m) && m.Qualifier is { } q && m.Value is not null ? $"{text} ({q})" : text;
    }

    public static string KindTitle(string kind) => kind switch
    {
        MetricNames.Detector => "Detectors",
        MetricNames.Intervention => "Interventions",
        MetricNames.Elicitor => "Elicitors",
        _ => kind,
    };
}
