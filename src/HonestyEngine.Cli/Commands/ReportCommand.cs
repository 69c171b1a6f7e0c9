using System.CommandLine;
using HonestyEngine.Engine.IO;
using HonestyEngine.Engine.Reporting;
using Spectre.Console;

namespace HonestyEngine.Cli.Commands;

/// <summary>`honesty report &lt;dir&gt;`: re-renders results.csv, report.md and report.html (and prints the summary)
/// from results.json and samples.jsonl as they are, without recomputing metrics (that is `rescore`).</summary>
internal sealed class ReportCommand : ICliCommand
{
    public Command Build()
    {
        var dir = new Argument<string>("dir") { Description = "Results folder of a run (holds results.json and samples.jsonl)." };
        var command = new Command("report", "Re-render results.csv, report.md and report.html from results.json and samples.jsonl.");
        command.Arguments.Add(dir);
        command.SetAction(parseResult =>
        {
            var folder = parseResult.GetValue(dir)!;
            var (results, samples) = ResultsFolderReader.Read(folder, requireSamples: false);
            var data = new ReportData(results, samples);
            var written = new List<string>();
            foreach (var exporter in ReportWriter.FileExporters.Where(e => e is not JsonExporter))
            {
                var path = Path.Combine(folder, exporter.FileName!);
                AtomicFile.WriteAllText(path, exporter.Render(data));
                written.Add(Path.GetFileName(path));
            }
            ConsoleSummary.Render(results, AnsiConsole.Console);
            Console.WriteLine($"Wrote {string.Join(", ", written)} in {folder}.");
            return 0;
        });
        return command;
    }
}
