using System.CommandLine;
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
        var command = new Command("report", "Re-render results.csv, report.md and report.html from results.json and samples.jsonl (metrics are not recomputed; see rescore).");
        command.Arguments.Add(dir);
        command.SetAction(parseResult => ResultsFolderCommand.Run(() =>
        {
            var written = ResultsFolder.Rerender(parseResult.GetValue(dir)!);
            foreach (var w in written.Warnings) Console.Error.WriteLine($"warning: {w}");
            ConsoleSummary.Render(written.Results, AnsiConsole.Console);
            Console.WriteLine($"Wrote {string.Join(", ", written.Files)}.");
        }));
        return command;
    }
}
