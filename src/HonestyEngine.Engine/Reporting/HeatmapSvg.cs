using System.Text;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;
using static HonestyEngine.Engine.Reporting.Format;

namespace HonestyEngine.Engine.Reporting;

/// <summary>Heatmap of one kind's headline metric: methods (rows, best first) x testbeds (columns), colour = value on
/// a fixed 0..1 scale so heatmaps of different runs compare; undefined, failed and skipped cells are grey/red with
/// a word instead of a colour. Hover shows the CI.</summary>
internal static class HeatmapSvg
{
    private const double CellW = 104, CellH = 30;

    public static string Render(ReportTable table)
    {
        double left = Math.Clamp(table.Rows.Max(r => Html.TextWidth(r.Method)) + 16, 80, 320);
        double top = Math.Clamp(table.Testbeds.Max(t => Html.TextWidth(t)) * 0.6 + 24, 40, 200);
        // Column labels are rotated -30 degrees from each column's centre, so the last one reaches
        // cos(30) * its length to the right of that centre; the colour legend is at least 160 wide.
        double legendW = Math.Max(160, Math.Min(240, CellW * table.Testbeds.Count));
        double lastLabel = Html.TextWidth(table.Testbeds[^1]) * 0.87 - CellW / 2;
        double width = Math.Max(left + CellW * table.Testbeds.Count + Math.Max(20, lastLabel + 12), left + legendW + 20);
        double legendY = top + CellH * table.Rows.Count + 16;
        double height = legendY + 40;
        string gradient = $"heat-scale-{table.Kind}";

        var sb = new StringBuilder();
        sb.Append($"<svg class=\"heatmap\" data-kind=\"{table.Kind}\" data-metric=\"{table.Metric}\" xmlns=\"http://www.w3.org/2000/svg\" ")
          .Append($"width=\"{Coord(width)}\" height=\"{Coord(height)}\" viewBox=\"0 0 {Coord(width)} {Coord(height)}\" role=\"img\" ")
          .Append($"aria-label=\"{Html.Escape(MetricNames.Display(table.Metric))} heatmap, methods by testbeds\">\n");
        sb.Append($"<defs><linearGradient id=\"{gradient}\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">");
        foreach (var (at, hex) in Palette.ScaleStops) sb.Append($"<stop offset=\"{Coord(at)}\" stop-color=\"{hex}\"/>");
        sb.Append("</linearGradient></defs>\n");

        for (int j = 0; j < table.Testbeds.Count; j++)
        {
            double x = left + CellW * j + CellW / 2, y = top - 8;
            sb.Append($"<text class=\"col-label\" x=\"{Coord(x)}\" y=\"{Coord(y)}\" transform=\"rotate(-30 {Coord(x)} {Coord(y)})\">{Html.Escape(table.Testbeds[j])}</text>\n");
        }
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            double y = top + CellH * i;
            sb.Append($"<text class=\"row-label\" x=\"{Coord(left - 8)}\" y=\"{Coord(y + CellH / 2 + 4)}\" text-anchor=\"end\">{Html.Escape(row.Method)}</text>\n");
            for (int j = 0; j < table.Testbeds.Count; j++)
            {
                var cell = row.Cells[j];
                double x = left + CellW * j;
                var metric = row.Value(j, table.Metric);
                var (fill, label, ink, state) = cell switch
                {
                    null => ("#ffffff", "—", "#666", "missing"),
                    { Status: CellStatus.Failed } => ("#f4c7c3", "failed", "#8a1c12", "failed"),
                    { Status: CellStatus.Skipped } => ("#eeeeee", "skipped", "#666", "skipped"),
                    _ when metric?.Value is double v => (Palette.Scale(v), Metric(v), Palette.TextOn(v), "ok"),
                    _ => ("#dddddd", "n/a", "#444", "undefined"),
                };
                string tooltip = cell switch
                {
                    null => "no cell",
                    { Status: CellStatus.Ok } when metric?.Value is null => metric?.Note ?? "undefined",
                    { Status: CellStatus.Ok } => $"{WithCi(metric)}, n = {Int(metric!.N)}",
                    _ => ReportTable.CellText(cell, table.Metric) + (cell.Error is { } e ? ": " + e : ""),
                };
                string value = metric?.Value is double dv ? $" data-value=\"{Exact(dv)}\"" : "";
                sb.Append($"<g><rect class=\"heat-cell\" data-method=\"{Html.Escape(row.Method)}\" data-testbed=\"{Html.Escape(table.Testbeds[j])}\" data-state=\"{state}\"{value} ")
                  .Append($"x=\"{Coord(x + 1)}\" y=\"{Coord(y + 1)}\" width=\"{Coord(CellW - 2)}\" height=\"{Coord(CellH - 2)}\" fill=\"{fill}\" stroke=\"#fff\">")
                  .Append($"<title>{Html.Escape($"{row.Method} on {table.Testbeds[j]}: {tooltip}")}</title></rect>")
                  .Append($"<text class=\"cell-label\" x=\"{Coord(x + CellW / 2)}\" y=\"{Coord(y + CellH / 2 + 4)}\" text-anchor=\"middle\" fill=\"{ink}\">{Html.Escape(label)}</text></g>\n");
            }
        }
        sb.Append($"<rect class=\"scale\" x=\"{Coord(left)}\" y=\"{Coord(legendY)}\" width=\"{Coord(legendW)}\" height=\"10\" fill=\"url(#{gradient})\"/>")
          .Append($"<text class=\"tick\" x=\"{Coord(left)}\" y=\"{Coord(legendY + 24)}\">0</text>")
          .Append($"<text class=\"tick\" x=\"{Coord(left + legendW / 2)}\" y=\"{Coord(legendY + 24)}\" text-anchor=\"middle\">0.5</text>")
          .Append($"<text class=\"tick\" x=\"{Coord(left + legendW)}\" y=\"{Coord(legendY + 24)}\" text-anchor=\"end\">1</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
