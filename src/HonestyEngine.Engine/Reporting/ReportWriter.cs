using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>Writes every file output of a run into its results folder: results.json, results.csv, report.md and
/// report.html, and the SVG figures under plots/ that report.md links to (samples.jsonl is written by the run itself). Each file is replaced atomically.</summary>
public static class ReportWriter
{
    /// <summary>The exporters that write files, in the order they are written.</summary>
    public static IReadOnlyList<IExporter> FileExporters { get; } =
        [new JsonExporter(), new CsvExporter(), new MarkdownExporter(), new HtmlExporter()];

    /// <summary>Writes the files and returns their full paths.</summary>
    public static IReadOnlyList<string> WriteAll(RunResults results, IReadOnlyList<SampleRecord> samples, string outDir)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(samples);
        Directory.CreateDirectory(outDir);
        var data = new ReportData(results, samples);
        var written = new List<string>();
        foreach (var exporter in FileExporters)
        {
            var path = Path.GetFullPath(Path.Combine(outDir, exporter.FileName!));
            AtomicFile.WriteAllText(path, exporter.Render(data));
            written.Add(path);
        }
        // The figures report.md links to; stale plots of an earlier run in the same folder are removed first.
        var plotDir = Path.Combine(outDir, PlotFiles.Folder);
        if (Directory.Exists(plotDir))
            foreach (var old in Directory.GetFiles(plotDir, "*.svg")) File.Delete(old);
        foreach (var plot in PlotFiles.For(data))
        {
            var path = Path.GetFullPath(Path.Combine(outDir, plot.RelativePath));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, plot.Render());
            written.Add(path);
        }
        return written;
    }
}
