using System.Text;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>report.html: one self-contained page (inline CSS and SVG, no script, no external font or image) that
/// opens offline: per kind a heatmap of methods x testbeds, bars with 95% CIs and the full table; for detectors
/// the ROC curves of every testbed drawn from samples.jsonl.</summary>
public sealed class HtmlExporter : IExporter
{
    public string Name => "html";
    public string? FileName => "report.html";

    private const string Css = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1200px; padding: 0 16px; color: #222; }
        h1 { font-size: 24px; } h2 { font-size: 20px; margin-top: 36px; border-bottom: 1px solid #ddd; } h3 { font-size: 16px; }
        table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child, table.all-metrics td:nth-child(2), table.all-metrics th:nth-child(2) { text-align: left; }
        td.failed { color: #a3221a; white-space: normal; max-width: 260px; } td.undefined { color: #8a6d00; } td.skipped { color: #777; }
        svg { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; display: block; margin: 8px 0; }
        svg .tick { fill: #555; font-size: 11px; } svg .legend.missing, svg .bar-missing { fill: #8a6d00; } svg .group-label { font-weight: 600; }
        .rocs { display: flex; flex-wrap: wrap; gap: 16px; } .rocs figure { margin: 0; } figcaption { font-weight: 600; }
        .meta, .explain { color: #555; } ul.notes li { margin: 2px 0; }
        """;

    public string Render(ReportData data)
    {
        var r = data.Results;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>HonestyEngine report</title>\n<style>\n").Append(Css).Append("\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>HonestyEngine report</h1>\n<p class=\"meta\">").Append(Html.Escape(RunSummary.Line(r))).Append("</p>\n");
        sb.Append("<p class=\"explain\">Values are point estimates with seeded percentile-bootstrap 95% confidence intervals in brackets. ")
          .Append("n/a marks a metric that is undefined for the cell (the reason is listed under the table); it is never replaced by a placeholder such as 0.5.</p>\n");

        var tables = ReportTable.BuildAll(r).ToList();
        if (tables.Count == 0) sb.Append("<p>No cells to report.</p>\n");
        foreach (var table in tables)
        {
            var colorIndex = RocPlots.ColorIndex(table);

            sb.Append($"<section id=\"{table.Kind}\" class=\"kind\">\n<h2>{ReportTable.KindTitle(table.Kind)}: {Html.Escape(MetricNames.Display(table.Metric))}</h2>\n");
            sb.Append("<p class=\"explain\">").Append(Html.Escape(RunSummary.HeadlineExplanation(table.Kind))).Append("</p>\n");
            sb.Append("<h3>Heatmap</h3>\n").Append(HeatmapSvg.Render(table));
            HeadlineTable(sb, table);
            if (table.Ranking is { } ranking) RankingSection(sb, ranking);
            foreach (var secondary in ReportTable.BuildSecondary(r, table.Kind))
            {
                sb.Append("<h3>").Append(Html.Escape(MetricNames.Display(secondary.Metric))).Append("</h3>\n<p class=\"explain\">")
                  .Append(Html.Escape(RunSummary.MetricExplanation(secondary.Metric))).Append("</p>\n");
                HeadlineTable(sb, secondary);
            }
            if (table.Kind == MetricNames.Detector) RocSection(sb, data, table, colorIndex);
            sb.Append("<h3>95% confidence intervals</h3>\n").Append(BarsSvg.Render(table, colorIndex));
            AllMetricsTable(sb, r, table.Kind);
            Notes(sb, r, table.Kind);
            sb.Append("</section>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void HeadlineTable(StringBuilder sb, ReportTable table)
    {
        bool auroc = MetricNames.IsAuroc(table.Metric);
        sb.Append("<table class=\"headline\" data-metric=\"").Append(table.Metric).Append("\">\n<thead><tr><th>Method</th>");
        foreach (var t in table.Testbeds) sb.Append("<th>").Append(Html.Escape(t)).Append("</th>");
        sb.Append("<th>Mean</th><th>Rank</th>").Append(auroc ? "<th>Inverted</th>" : "").Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            sb.Append("<tr class=\"").Append(row.Role).Append("\"><td>").Append(Html.Escape(row.Method)).Append(row.Role == CellRole.Reference ? " [reference]" : "").Append("</td>");
            foreach (var c in row.Cells) Cell(sb, c, table.Metric, ReportTable.CellText(c, table.Metric));
            sb.Append("<td>").Append(Html.Escape(table.MeanText(row))).Append("</td><td>").Append(Html.Escape(ReportTable.RankText(row))).Append("</td>");
            if (auroc) sb.Append("<td>").Append(Format.Int(row.Inverted)).Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
    }

    private static void RankingSection(StringBuilder sb, Ranking ranking)
    {
        sb.Append("<p class=\"explain\">").Append(Html.Escape(RunSummary.RankingText(ranking))).Append("</p>\n");
        if (ranking.NotRanked.Count > 0)
        {
            sb.Append("<p>Not ranked:</p>\n<ul class=\"not-ranked\">\n");
            foreach (var n in ranking.NotRanked) sb.Append("<li>").Append(Html.Escape($"{n.Method}: {n.Reason}")).Append("</li>\n");
            sb.Append("</ul>\n");
        }
        if (ranking.Comparisons.Count == 0) return;
        sb.Append("<table class=\"comparisons\">\n<thead><tr><th>Higher</th><th>Lower</th><th>Difference [95% CI]</th><th>p</th><th>p (Holm)</th><th>Distinguishable</th></tr></thead>\n<tbody>\n");
        foreach (var c in ranking.Comparisons)
            sb.Append("<tr><td>").Append(Html.Escape(c.A)).Append("</td><td>").Append(Html.Escape(c.B)).Append("</td><td>")
              .Append($"{Format.Metric(c.Difference)} [{Format.Metric(c.CiLow)}, {Format.Metric(c.CiHigh)}]").Append("</td><td>")
              .Append(Format.Metric(c.P)).Append("</td><td>").Append(Format.Metric(c.PHolm)).Append("</td><td>").Append(c.Distinguishable ? "yes" : "no").Append("</td></tr>\n");
        sb.Append("</tbody>\n</table>\n");
    }

    private static void AllMetricsTable(StringBuilder sb, RunResults r, string kind)
    {
        var names = MetricNames.ForKind(kind);
        sb.Append("<h3>All metrics</h3>\n<table class=\"all-metrics\">\n<thead><tr><th>Testbed</th><th>Method</th>");
        foreach (var n in names) sb.Append("<th>").Append(Html.Escape(MetricNames.Display(n))).Append("</th>");
        sb.Append("<th>n</th><th>Seconds</th></tr></thead>\n<tbody>\n");
        foreach (var c in r.Cells.Where(c => MetricNames.NormalizeKind(c.Kind) == kind))
        {
            sb.Append("<tr><td>").Append(Html.Escape(c.Testbed)).Append("</td><td>").Append(Html.Escape(c.Method)).Append("</td>");
            foreach (var n in names) Cell(sb, c, n, ReportTable.MetricText(c, n));
            sb.Append("<td>").Append(Format.Int(c.N)).Append("</td><td>").Append(Format.Seconds(c.Seconds)).Append("</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
    }

    private static void Cell(StringBuilder sb, CellResult? c, string metric, string text)
    {
        string cls = c?.Status switch
        {
            CellStatus.Failed => " class=\"failed\"",
            CellStatus.Skipped => " class=\"skipped\"",
            CellStatus.Ok when text == "n/a" => " class=\"undefined\"",
            _ => "",
        };
        sb.Append("<td").Append(cls).Append('>').Append(Html.Escape(text)).Append("</td>");
    }

    private static void Notes(StringBuilder sb, RunResults r, string kind)
    {
        var items = new List<string>();
        foreach (var c in r.Cells.Where(c => MetricNames.NormalizeKind(c.Kind) == kind))
        {
            if (c.Status == CellStatus.Failed) items.Add($"<b>{Html.Escape($"{c.Testbed} x {c.Method}")}</b> failed: {Html.Escape(c.Error)}");
            else if (c.Status == CellStatus.Skipped) items.Add($"<b>{Html.Escape($"{c.Testbed} x {c.Method}")}</b> skipped{(string.IsNullOrEmpty(c.Error) ? "" : ": " + Html.Escape(c.Error))}");
            foreach (var (name, m) in c.Metrics)
                if (m.Note is not null) items.Add($"{Html.Escape($"{c.Testbed} x {c.Method}, {MetricNames.Display(name)}")}: {Html.Escape(m.Note)}");
        }
        if (items.Count == 0) return;
        sb.Append("<h3>Notes</h3>\n<ul class=\"notes\">\n");
        foreach (var i in items) sb.Append("<li>").Append(i).Append("</li>\n");
        sb.Append("</ul>\n");
    }

    /// <summary>One ROC plot per testbed, one curve per detector whose eval split has both lies and honest samples.</summary>
    private static void RocSection(StringBuilder sb, ReportData data, ReportTable table, IReadOnlyDictionary<string, int> colorIndex)
    {
        sb.Append("<h3>ROC curves (eval lies vs eval honest)</h3>\n<div class=\"rocs\">\n");
        foreach (var figure in RocPlots.Render(data, table, colorIndex))
            sb.Append("<figure>\n<figcaption>").Append(Html.Escape(figure.Testbed)).Append("</figcaption>\n")
              .Append(figure.Svg).Append("</figure>\n");
        sb.Append("</div>\n");
    }
}
