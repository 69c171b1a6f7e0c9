using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Reporting;

/// <summary>A finished run's results folder (results.json + samples.jsonl): what `honesty rescore` and
/// `honesty report` do with it. Every format problem surfaces as a <see cref="ResultsFormatException"/> whose
/// message names the file (and line).</summary>
public static class ResultsFolder
{
    public sealed record Loaded(RunResults Results, IReadOnlyList<SampleRecord> Samples, IReadOnlyList<string> Warnings);

    public sealed record Written(RunResults Results, IReadOnlyList<string> Files, IReadOnlyList<string> Warnings);

    public static Loaded Load(string folder, bool requireSamples)
    {
        if (!Directory.Exists(folder)) throw new ResultsFormatException($"{folder}: results folder does not exist.");
        var results = ResultsFile.Read(Path.Combine(folder, ResultsFile.FileName));
        var samplesPath = Path.Combine(folder, SamplesFile.FileName);
        if (File.Exists(samplesPath)) return new Loaded(results, SamplesFile.Read(samplesPath), []);
        if (requireSamples) throw new ResultsFormatException($"{samplesPath}: file not found; the metrics cannot be recomputed without the run's samples.");
        return new Loaded(results, [], [$"{samplesPath} not found; the report is drawn without ROC curves."]);
    }

    /// <summary>Recomputes every metric from samples.jsonl and rewrites results.json, results.csv, report.md, report.html.</summary>
    public static Written Rescore(string folder, MetricOptions? options = null)
    {
        var loaded = Load(folder, requireSamples: true);
        var outcome = Rescorer.Rescore(loaded.Results, loaded.Samples, options);
        var files = ReportWriter.WriteAll(outcome.Results, loaded.Samples, folder);
        return new Written(outcome.Results, files, outcome.Warnings);
    }

    /// <summary>Re-renders results.csv, report.md and report.html from results.json and samples.jsonl as they are.</summary>
    public static Written Rerender(string folder)
    {
        var loaded = Load(folder, requireSamples: false);
        var data = new ReportData(loaded.Results, loaded.Samples);
        var files = new List<string>();
        foreach (var exporter in ReportWriter.FileExporters.Where(e => e is not JsonExporter))
        {
            var path = Path.GetFullPath(Path.Combine(folder, exporter.FileName!));
            AtomicFile.WriteAllText(path, exporter.Render(data));
            files.Add(path);
        }
        return new Written(loaded.Results, files, loaded.Warnings);
    }
}
