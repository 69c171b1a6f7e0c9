using System.CommandLine;
using HonestyEngine.Engine.IO;
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
        command.SetAction(parseResult => ResultsFolderCommand.Run(() =>
        {
            var written = ResultsFolder.Rescore(parseResult.GetValue(dir)!);
            foreach (var w in written.Warnings) Console.Error.WriteLine($"warning: {w}");
            ConsoleSummary.Render(written.Results, AnsiConsole.Console);
            int ok = written.Results.Cells.Count(c => c.Status == CellStatus.Ok);
            Console.WriteLine($"Rescored {ok} cells; wrote {string.Join(", ", written.Files.Select(Path.GetFileName))}.");
        }));
        return command;
    }
}

/// <summary>Shared error handling of `rescore` and `report`: a malformed results folder is a one-line error naming
/// the file and line (exit code 2), never a stack trace.</summary>
internal static class ResultsFolderCommand
{
    public static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is ResultsFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }
}
