using System.Text;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;
using static HonestyEngine.Engine.Reporting.Format;

namespace HonestyEngine.Engine.Reporting;

/// <summary>Horizontal bars of one kind's headline metric per testbed and method, with the 95% CI as a whisker,
/// on a fixed 0..1 axis.</summary>
internal static class BarsSvg
{
    private const double BarH = 16, Gap = 4, GroupGap = 14, PlotW = 320;

    public static string Render(ReportTable table, IReadOnlyDictionary<string, int> colorIndex)
    {
        double left = Math.Clamp(table.Rows.Max(r => Html.TextWidth(r.Method)) + 24, 100, 320);
        double rowsH = table.Testbeds.Count * (18 + table.Rows.Count * (BarH + Gap) + GroupGap);
        double top = 8, width = left + PlotW + 150, height = top + rowsH + 30;
        double X(double v) => left + Math.Clamp(v, 0, 1) * PlotW;

        var sb = new StringBuilder();
        sb.Append($"<svg class=\"bars\" data-kind=\"{table.Kind}\" data-metric=\"{table.Metric}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Coord(width)}\" height=\"{Coord(height)}\" ")
          .Append($"viewBox=\"0 0 {Coord(width)} {Coord(height)}\" role=\"img\" aria-label=\"{Html.Escape(MetricNames.Display(table.Metric))} with 95% CIs\">\n");
        double axisBottom = top + rowsH;
        foreach (double t in (double[])[0, 0.25, 0.5, 0.75, 1])
            sb.Append($"<line class=\"grid\" x1=\"{Coord(X(t))}\" y1=\"{Coord(top)}\" x2=\"{Coord(X(t))}\" y2=\"{Coord(axisBottom)}\" stroke=\"#e4e4e4\"/>")
              .Append($"<text class=\"tick\" x=\"{Coord(X(t))}\" y=\"{Coord(axisBottom + 14)}\" text-anchor=\"middle\">{t.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}</text>\n");

        double y = top;
        for (int j = 0; j < table.Testbeds.Count; j++)
        {
            sb.Append($"<text class=\"group-label\" x=\"4\" y=\"{Coord(y + 13)}\">{Html.Escape(table.Testbeds[j])}</text>\n");
            y += 18;
            foreach (var row in table.Rows)
            {
                var cell = row.Cells[j];
                var m = row.Value(j, table.Metric);
                sb.Append($"<text class=\"bar-label\" x=\"{Coord(left - 6)}\" y=\"{Coord(y + BarH - 4)}\" text-anchor=\"end\">{Html.Escape(row.Method)}</text>");
                if (m?.Value is double v)
                {
                    string color = Palette.Method(colorIndex[row.Method]);
                    sb.Append($"<rect class=\"bar\" data-testbed=\"{Html.Escape(table.Testbeds[j])}\" data-method=\"{Html.Escape(row.Method)}\" data-value=\"{Exact(v)}\" ")
                      .Append($"x=\"{Coord(left)}\" y=\"{Coord(y)}\" width=\"{Coord(X(v) - left)}\" height=\"{Coord(BarH)}\" fill=\"{color}\" fill-opacity=\"0.85\">")
                      .Append($"<title>{Html.Escape($"{row.Method} on {table.Testbeds[j]}: {WithCi(m)}, n = {Int(m.N)}")}</title></rect>");
                    if (m.CiLow is double lo && m.CiHigh is double hi)
                    {
                        double cy = y + BarH / 2;
                        sb.Append($"<g class=\"ci\" stroke=\"#222\" stroke-width=\"1.5\"><line x1=\"{Coord(X(lo))}\" y1=\"{Coord(cy)}\" x2=\"{Coord(X(hi))}\" y2=\"{Coord(cy)}\"/>")
                          .Append($"<line x1=\"{Coord(X(lo))}\" y1=\"{Coord(cy - 5)}\" x2=\"{Coord(X(lo))}\" y2=\"{Coord(cy + 5)}\"/>")
                          .Append($"<line x1=\"{Coord(X(hi))}\" y1=\"{Coord(cy - 5)}\" x2=\"{Coord(X(hi))}\" y2=\"{Coord(cy + 5)}\"/></g>");
                    }
                    sb.Append($"<text class=\"bar-value\" x=\"{Coord(left + PlotW + 8)}\" y=\"{Coord(y + BarH - 4)}\">{Html.Escape(WithCi(m))}</text>\n");
                }
                else
                {
                    string why = cell is { Status: CellStatus.Ok } ? "n/a" : ReportTable.CellText(cell, table.Metric);
                    sb.Append($"<text class=\"bar-missing\" x=\"{Coord(left + 4)}\" y=\"{Coord(y + BarH - 4)}\">{Html.Escape(Short(why, 60))}</text>\n");
                }
                y += BarH + Gap;
            }
            y += GroupGap;
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
