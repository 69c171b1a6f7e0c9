using System.CommandLine;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Reporting;
using HonestyEngine.Engine.Results;
using Spectre.Console;

namespace HonestyEngine.Cli.Commands;

/// <summary>`honesty rescore &lt;dir&gt;`: recomputes every metric of a finished run from samples.jsonl (no model is
/// loaded) and rewrites results.json, results.csv, report.md and report.html. Cell metadata (family, kind, status,
/// error, seconds, parameters) comes from the existing results.json.</summary>
internal sealed class RescoreCommand : ICliCommand
{
    public Command Build()
    {
        var dir = new Argument<string>("dir") { Description = "Results folder of a run (holds results.json and samples.jsonl)." };
        var command = new Command("rescore", "Recompute every metric from samples.jsonl without running a model, and rewrite results.json, results.csv, report.md and report.html.");
        command.Arguments.Add(dir);
        command.SetAction(parseResult =>
        {
            var folder = parseResult.GetValue(dir)!;
            var (previous, samples) = ResultsFolderReader.Read(folder, requireSamples: true);
            var outcome = Rescorer.Rescore(previous, samples);
            foreach (var w in outcome.Warnings) Console.Error.WriteLine($"warning: {w}");
            var written = ReportWriter.WriteAll(outcome.Results, samples, folder);
            ConsoleSummary.Render(outcome.Results, AnsiConsole.Console);
            Console.WriteLine($"Rescored {outcome.Results.Cells.Count(c => c.Status == CellStatus.Ok)} cells from {samples.Count} samples; wrote {string.Join(", ", written.Select(Path.GetFileName))}.");
            return 0;
        });
        return command;
    }
}

/// <summary>Reads results.json and samples.jsonl of a results folder, turning every format problem into a one-line
/// <see cref="CliException"/> that names the file (and line).</summary>
internal static class ResultsFolderReader
{
    public static (RunResults Results, List<SampleRecord> Samples) Read(string folder, bool requireSamples)
    {
        if (!Directory.Exists(folder)) throw new CliException($"Results folder '{folder}' does not exist.");
        var resultsPath = Path.Combine(folder, ResultsFile.FileName);
        var samplesPath = Path.Combine(folder, SamplesFile.FileName);
        try
        {
            var results = ResultsFile.Read(resultsPath);
            List<SampleRecord> samples;
            if (File.Exists(samplesPath)) samples = SamplesFile.Read(samplesPath);
            else if (requireSamples) throw new CliException($"{samplesPath}: file not found; rescore needs the samples of the run.");
            else
            {
                Console.Error.WriteLine($"warning: {samplesPath} not found; the report is drawn without ROC curves.");
                samples = [];
            }
            return (results, samples);
        }
        catch (ResultsFormatException e)
        {
            throw new CliException(e.Message);
        }
    }
}
