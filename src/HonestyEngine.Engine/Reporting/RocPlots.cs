using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>The ROC figure of each testbed of a detector table: one curve per detector whose eval split has both
/// lies and honest samples, with the control-calibrated operating point. Shared by report.html (inline) and the
/// plot files report.md links to.</summary>
public static class RocPlots
{
    public sealed record Figure(string Testbed, string Svg);

    public static IReadOnlyList<Figure> Render(ReportData data, ReportTable table, IReadOnlyDictionary<string, int> colorIndex)
    {
        var byCell = data.Samples.GroupBy(s => (s.Testbed, s.Method)).ToDictionary(g => g.Key, g => g.ToList());
        var figures = new List<Figure>();
        for (int j = 0; j < table.Testbeds.Count; j++)
        {
            string testbed = table.Testbeds[j];
            var curves = new List<RocSvg.Curve>();
            var missing = new List<string>();
            foreach (var row in table.Rows)
            {
                if (row.Cells[j] is not { Status: CellStatus.Ok }) continue;
                if (!byCell.TryGetValue((testbed, row.Method), out var samples))
                {
                    missing.Add($"{row.Method}: no samples");
                    continue;
                }
                var lies = Scores(samples, "eval", 1);
                var honest = Scores(samples, "eval", 0);
                if (lies.Length == 0 || honest.Length == 0)
                {
                    missing.Add($"{row.Method}: no ROC ({(lies.Length == 0 ? "no lies" : "no honest samples")} in eval)");
                    continue;
                }
                var control = samples.Where(s => s.Split == "control" && s.Score is not null).Select(s => s.Score!.Value).ToArray();
                (double, double)? operating = null;
                if (control.Length > 0)
                {
                    double t = WeightedThreshold.Of(control, MetricOptions.Default.ControlFpr);
                    operating = (WeightedThreshold.FractionAbove(honest, t), WeightedThreshold.FractionAbove(lies, t));
                }
                curves.Add(new RocSvg.Curve(row.Method, colorIndex[row.Method], RocCurve.Compute(lies, honest), operating,
                    row.Value(j, MetricNames.Auroc)?.Value));
            }
            figures.Add(new Figure(testbed, RocSvg.Render(testbed, curves, missing)));
        }
        return figures;
    }

    /// <summary>The colour of each method: its row order in the table, the same in every figure of the table.</summary>
    public static Dictionary<string, int> ColorIndex(ReportTable table)
    {
        var colorIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in table.Rows) colorIndex[row.Method] = colorIndex.Count;
        return colorIndex;
    }

    private static double[] Scores(List<SampleRecord> samples, string split, int label) =>
        samples.Where(s => s.Split == split && s.Label == label && s.Score is not null).Select(s => s.Score!.Value).ToArray();
}
