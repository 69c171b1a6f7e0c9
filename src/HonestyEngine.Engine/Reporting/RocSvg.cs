using System.Text;
using static HonestyEngine.Engine.Reporting.Format;

namespace HonestyEngine.Engine.Reporting;

/// <summary>ROC curves of every detector on one testbed (eval lies vs eval honest, from samples.jsonl), with the
/// chance diagonal and, per detector, the operating point of the threshold calibrated on the control set.</summary>
internal static class RocSvg
{
    public sealed record Curve(string Method, int ColorIndex, IReadOnlyList<(double Fpr, double Tpr)> Points,
        (double Fpr, double Tpr)? OperatingPoint, double? Auroc);

    private const double Size = 260, Left = 48, Top = 16, LegendGap = 16;

    public static string Render(string testbed, IReadOnlyList<Curve> curves, IReadOnlyList<string> missing)
    {
        var labelWidths = curves.Select(c => Html.TextWidth(c.Method) + 90).Concat(missing.Select(m => Html.TextWidth(m)));
        double legendW = Math.Max(160, labelWidths.DefaultIfEmpty(0).Max());
        double width = Left + Size + LegendGap + legendW + 8;
        double height = Top + Size + 44;
        double X(double fpr) => Left + fpr * Size;
        double Y(double tpr) => Top + (1 - tpr) * Size;

        var sb = new StringBuilder();
        sb.Append($"<svg class=\"roc\" data-testbed=\"{Html.Escape(testbed)}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Coord(width)}\" height=\"{Coord(height)}\" ")
          .Append($"viewBox=\"0 0 {Coord(width)} {Coord(height)}\" role=\"img\" aria-label=\"ROC curves on {Html.Escape(testbed)}\">\n");
        sb.Append($"<rect class=\"plot-area\" x=\"{Coord(Left)}\" y=\"{Coord(Top)}\" width=\"{Coord(Size)}\" height=\"{Coord(Size)}\" fill=\"#fafafa\" stroke=\"#999\"/>\n");
        foreach (double t in (double[])[0, 0.25, 0.5, 0.75, 1])
        {
            sb.Append($"<line class=\"grid\" x1=\"{Coord(X(t))}\" y1=\"{Coord(Top)}\" x2=\"{Coord(X(t))}\" y2=\"{Coord(Top + Size)}\" stroke=\"#e4e4e4\"/>")
              .Append($"<line class=\"grid\" x1=\"{Coord(Left)}\" y1=\"{Coord(Y(t))}\" x2=\"{Coord(Left + Size)}\" y2=\"{Coord(Y(t))}\" stroke=\"#e4e4e4\"/>")
              .Append($"<text class=\"tick\" x=\"{Coord(X(t))}\" y=\"{Coord(Top + Size + 14)}\" text-anchor=\"middle\">{Tick(t)}</text>")
              .Append($"<text class=\"tick\" x=\"{Coord(Left - 6)}\" y=\"{Coord(Y(t) + 4)}\" text-anchor=\"end\">{Tick(t)}</text>\n");
        }
        sb.Append($"<text class=\"axis-label\" x=\"{Coord(Left + Size / 2)}\" y=\"{Coord(Top + Size + 34)}\" text-anchor=\"middle\">False positive rate (eval honest)</text>\n");
        sb.Append($"<text class=\"axis-label\" x=\"12\" y=\"{Coord(Top + Size / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {Coord(Top + Size / 2)})\">True positive rate (eval lies)</text>\n");
        sb.Append($"<line class=\"chance\" x1=\"{Coord(X(0))}\" y1=\"{Coord(Y(0))}\" x2=\"{Coord(X(1))}\" y2=\"{Coord(Y(1))}\" stroke=\"#aaa\" stroke-dasharray=\"4 4\"/>\n");

        double legendX = Left + Size + LegendGap, legendY = Top + 8;
        foreach (var c in curves)
        {
            string color = Palette.Method(c.ColorIndex);
            sb.Append($"<polyline class=\"roc-curve\" data-method=\"{Html.Escape(c.Method)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"");
            for (int i = 0; i < c.Points.Count; i++)
            {
                if (i > 0) sb.Append(' ');
                sb.Append(Coord(X(c.Points[i].Fpr))).Append(',').Append(Coord(Y(c.Points[i].Tpr)));
            }
            sb.Append($"\"><title>{Html.Escape(c.Method)}</title></polyline>\n");
            if (c.OperatingPoint is var (fpr, tpr))
                sb.Append($"<circle class=\"operating-point\" data-method=\"{Html.Escape(c.Method)}\" cx=\"{Coord(X(fpr))}\" cy=\"{Coord(Y(tpr))}\" r=\"4\" fill=\"{color}\" stroke=\"#000\">")
                  .Append($"<title>{Html.Escape($"{c.Method}: threshold at 1% FPR on control gives eval FPR {Metric(fpr)}, TPR {Metric(tpr)}")}</title></circle>\n");
            string auroc = c.Auroc is double a ? $" (AUROC {Metric(a)})" : "";
            sb.Append($"<line x1=\"{Coord(legendX)}\" y1=\"{Coord(legendY)}\" x2=\"{Coord(legendX + 18)}\" y2=\"{Coord(legendY)}\" stroke=\"{color}\" stroke-width=\"3\"/>")
              .Append($"<text class=\"legend\" x=\"{Coord(legendX + 24)}\" y=\"{Coord(legendY + 4)}\">{Html.Escape(c.Method + auroc)}</text>\n");
            legendY += 18;
        }
        foreach (var m in missing)
        {
            sb.Append($"<text class=\"legend missing\" x=\"{Coord(legendX)}\" y=\"{Coord(legendY + 4)}\">{Html.Escape(m)}</text>\n");
            legendY += 18;
        }
        if (curves.Any(c => c.OperatingPoint is not null))
            sb.Append($"<text class=\"legend note\" x=\"{Coord(legendX)}\" y=\"{Coord(legendY + 8)}\">● threshold at 1% FPR on control</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static string Tick(double t) => t.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
