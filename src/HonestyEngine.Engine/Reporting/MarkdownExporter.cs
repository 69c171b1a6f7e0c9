using System.Text;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>report.md: per kind, the method x testbed table of the headline metric with 95% CIs, a mean column and
/// a rank, then every metric of every cell, the notes of undefined metrics and the errors of failed cells.</summary>
public sealed class MarkdownExporter : IExporter
{
    public string Name => "markdown";
    public string? FileName => "report.md";

    public string Render(ReportData data)
    {
        var r = data.Results;
        var sb = new StringBuilder();
        sb.Append("# HonestyEngine report\n\n");
        sb.Append(RunSummary.Line(r)).Append("\n\n");
        sb.Append("Values are point estimates with seeded percentile-bootstrap 95% confidence intervals in brackets. ")
          .Append("\"n/a\" marks a metric that is undefined for the cell (the reason is listed below the table); ")
          .Append("it is never replaced by a placeholder such as 0.5.\n");

        var plots = PlotFiles.For(data);
        foreach (var table in ReportTable.BuildAll(r))
        {
            sb.Append("\n## ").Append(ReportTable.KindTitle(table.Kind)).Append(": ").Append(MetricNames.Display(table.Metric)).Append("\n\n");
            sb.Append(RunSummary.HeadlineExplanation(table.Kind)).Append("\n\n");
            Headline(sb, table);
            if (table.Ranking is { } ranking) Ranking(sb, ranking);
            foreach (var secondary in ReportTable.BuildSecondary(r, table.Kind))
            {
                sb.Append("\n### ").Append(MetricNames.Display(secondary.Metric)).Append("\n\n");
                sb.Append(RunSummary.MetricExplanation(secondary.Metric)).Append("\n\n");
                Headline(sb, secondary);
            }
            Figures(sb, plots.Where(p => p.Kind == table.Kind));
            AllMetrics(sb, r, table.Kind);
            Notes(sb, r, table.Kind);
        }

        var other = r.Cells.Where(c => !MetricNames.Kinds.Contains(MetricNames.NormalizeKind(c.Kind))).ToList();
        if (other.Count > 0)
        {
            sb.Append("\n## Cells of unknown kind\n\n");
            foreach (var c in other) sb.Append("- ").Append(Escape($"{c.Testbed} x {c.Method}: kind '{c.Kind}' is not detector, intervention or elicitor")).Append('\n');
        }
        return sb.ToString();
    }

    private static void Headline(StringBuilder sb, ReportTable table)
    {
        bool auroc = MetricNames.IsAuroc(table.Metric);
        sb.Append("| Method | ").AppendJoin(" | ", table.Testbeds.Select(Escape)).Append(" | Mean | Rank |").Append(auroc ? " Inverted |" : "").Append('\n');
        sb.Append("|---|").Append(string.Concat(Enumerable.Repeat("---|", table.Testbeds.Count))).Append("---|---|").Append(auroc ? "---|" : "").Append('\n');
        foreach (var row in table.Rows)
        {
            sb.Append("| ").Append(Escape(row.Method)).Append(row.Role == CellRole.Reference ? " [reference]" : "").Append(" | ");
            sb.AppendJoin(" | ", row.Cells.Select(c => Escape(ReportTable.CellText(c, table.Metric))));
            sb.Append(" | ").Append(table.MeanText(row)).Append(" | ").Append(Escape(ReportTable.RankText(row))).Append(" |");
            if (auroc) sb.Append(' ').Append(Format.Int(row.Inverted)).Append(" |");
            sb.Append('\n');
        }
        if (table.Rows.Any(row => row.Rank is null && row.Mean is not null && row.MeanOver < table.Testbeds.Count))
            sb.Append("\nMean of an unranked row: over the testbeds where the metric is defined; (k/m) marks a mean over k of the m testbeds, not comparable with a full mean.\n");
    }

    private static void Ranking(StringBuilder sb, Ranking ranking)
    {
        sb.Append('\n').Append(Escape(RunSummary.RankingText(ranking))).Append('\n');
        if (ranking.NotRanked.Count > 0)
        {
            sb.Append("\nNot ranked:\n\n");
            foreach (var n in ranking.NotRanked) sb.Append("- ").Append(Escape($"{n.Method}: {n.Reason}")).Append('\n');
        }
        if (ranking.Comparisons.Count == 0) return;
        sb.Append("\n| Higher | Lower | Difference [95% CI] | p | p (Holm) | Distinguishable |\n|---|---|---|---|---|---|\n");
        foreach (var c in ranking.Comparisons)
            sb.Append("| ").Append(Escape(c.A)).Append(" | ").Append(Escape(c.B)).Append(" | ")
              .Append(Format.Metric(c.Difference)).Append(" [").Append(Format.Metric(c.CiLow)).Append(", ").Append(Format.Metric(c.CiHigh)).Append("] | ")
              .Append(Format.Metric(c.P)).Append(" | ").Append(Format.Metric(c.PHolm)).Append(" | ").Append(c.Distinguishable ? "yes" : "no").Append(" |\n");
    }

    /// <summary>Links to the SVG files written next to report.md (see <see cref="PlotFiles"/>).</summary>
    private static void Figures(StringBuilder sb, IEnumerable<PlotFiles.Plot> plots)
    {
        sb.Append("\n### Figures\n\n");
        foreach (var p in plots) sb.Append("![").Append(Escape(p.Caption)).Append("](").Append(p.RelativePath).Append(")\n");
    }

    private static void AllMetrics(StringBuilder sb, RunResults r, string kind)
    {
        var names = MetricNames.ForKind(kind);
        sb.Append("\n### All metrics\n\n");
        sb.Append("| Testbed | Method | ").AppendJoin(" | ", names.Select(MetricNames.Display)).Append(" | n | Seconds |\n");
        sb.Append("|---|---|").Append(string.Concat(Enumerable.Repeat("---|", names.Count))).Append("---|---|\n");
        foreach (var c in CellsOf(r, kind))
        {
            sb.Append("| ").Append(Escape(c.Testbed)).Append(" | ").Append(Escape(c.Method)).Append(" | ");
            sb.AppendJoin(" | ", names.Select(n => Escape(ReportTable.MetricText(c, n))));
            sb.Append(" | ").Append(Format.Int(c.N)).Append(" | ").Append(Format.Seconds(c.Seconds)).Append(" |\n");
        }
    }

    private static void Notes(StringBuilder sb, RunResults r, string kind)
    {
        var notes = new List<string>();
        var failures = new List<string>();
        foreach (var c in CellsOf(r, kind))
        {
            if (c.Status == CellStatus.Failed) failures.Add($"{c.Testbed} x {c.Method}: {c.Error}");
            else if (c.Status == CellStatus.Skipped) failures.Add($"{c.Testbed} x {c.Method}: skipped{(string.IsNullOrEmpty(c.Error) ? "" : ": " + c.Error)}");
            foreach (var (name, m) in c.Metrics)
                if (m.Note is not null) notes.Add($"{c.Testbed} x {c.Method}, {MetricNames.Display(name)}: {m.Note}");
        }
        if (notes.Count > 0)
        {
            sb.Append("\nNotes:\n\n");
            foreach (var n in notes) sb.Append("- ").Append(Escape(n)).Append('\n');
        }
        if (failures.Count > 0)
        {
            sb.Append("\nFailed or skipped cells:\n\n");
            foreach (var f in failures) sb.Append("- ").Append(Escape(f)).Append('\n');
        }
    }

    private static IEnumerable<CellResult> CellsOf(RunResults r, string kind) =>
        r.Cells.Where(c => MetricNames.NormalizeKind(c.Kind) == kind);

    /// <summary>Keeps user text (names, errors) from breaking the table: pipes escaped, line breaks flattened.</summary>
    internal static string Escape(string text) =>
        text.ReplaceLineEndings(" ").Replace("\\", "\\\\").Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
}
