using System.Text;
using HonestyEngine.Engine.Metrics;

namespace HonestyEngine.Engine.Reporting;

/// <summary>The figures of report.html as standalone SVG files under <c>plots/</c> of the results folder, so that
/// report.md (which cannot inline SVG on most renderers) links to the same heatmaps, CI bars and ROC curves.
/// One place names them: the Markdown exporter links exactly the files <see cref="ReportWriter"/> writes.</summary>
public static class PlotFiles
{
    public const string Folder = "plots";

    public sealed record Plot(string Kind, string RelativePath, string Caption, Func<string> Render);

    public static IReadOnlyList<Plot> For(ReportData data)
    {
        var plots = new List<Plot>();
        foreach (var table in ReportTable.BuildAll(data.Results))
        {
            var colorIndex = RocPlots.ColorIndex(table);
            plots.Add(new Plot(table.Kind, $"{Folder}/{table.Kind}-heatmap.svg", $"{ReportTable.KindTitle(table.Kind)}: heatmap",
                () => HeatmapSvg.Render(table)));
            plots.Add(new Plot(table.Kind, $"{Folder}/{table.Kind}-ci.svg", $"{ReportTable.KindTitle(table.Kind)}: 95% confidence intervals",
                () => BarsSvg.Render(table, colorIndex)));
            if (table.Kind != MetricNames.Detector) continue;
            var figures = new Lazy<IReadOnlyList<RocPlots.Figure>>(() => RocPlots.Render(data, table, colorIndex));
            for (int j = 0; j < table.Testbeds.Count; j++)
            {
                int index = j;
                plots.Add(new Plot(table.Kind, $"{Folder}/roc-{SafeName(table.Testbeds[j])}.svg", $"ROC: {table.Testbeds[j]}",
                    () => figures.Value[index].Svg));
            }
        }
        return plots;
    }

    /// <summary>Testbed names are kebab-case, but a folder testbed may be named anything: keep file names portable.</summary>
    internal static string SafeName(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        return sb.ToString();
    }
}
