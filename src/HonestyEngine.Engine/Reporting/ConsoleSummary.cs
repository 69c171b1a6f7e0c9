using HonestyEngine.Engine.Metrics;
using HonestyEngine.Engine.Results;
using Spectre.Console;

namespace HonestyEngine.Engine.Reporting;

/// <summary>The table printed at the end of `honesty run`, `rescore` and `report`: per kind, methods x testbeds of
/// the headline metric with CIs, mean and rank; failed cells in red with their errors listed below.</summary>
public static class ConsoleSummary
{
    public static void Render(RunResults results, IAnsiConsole console)
    {
        var tables = ReportTable.BuildAll(results).ToList();
        if (tables.Count == 0)
        {
            console.MarkupLine("[yellow]No cells to summarise.[/]");
            return;
        }
        foreach (var table in tables)
        {
            var t = new Table().Border(TableBorder.Rounded)
                .Title($"{ReportTable.KindTitle(table.Kind)}: {MetricNames.Display(table.Metric)} (95% CI)");
            t.AddColumn("Method");
            foreach (var tb in table.Testbeds) t.AddColumn(new TableColumn(Markup.Escape(tb)).RightAligned());
            t.AddColumn(new TableColumn("Mean").RightAligned());
            t.AddColumn(new TableColumn("Rank").RightAligned());
            foreach (var row in table.Rows)
            {
                var cells = new List<string> { Markup.Escape(row.Method + (row.Role == CellRole.Reference ? " [reference]" : "")) };
                cells.AddRange(row.Cells.Select(c => Styled(c, table.Metric)));
                cells.Add(Markup.Escape(table.MeanText(row)));
                cells.Add(Markup.Escape(ReportTable.RankText(row)));
                t.AddRow(cells.ToArray());
            }
            console.Write(t);
        }
        foreach (var c in results.Cells.Where(c => c.Status == CellStatus.Failed))
            console.MarkupLine($"[red]failed[/] {Markup.Escape($"{c.Testbed} x {c.Method}: {Format.Short(c.Error, 200)}")}");
    }

    private static string Styled(CellResult? cell, string metric)
    {
        var text = Markup.Escape(ReportTable.CellText(cell, metric));
        return cell?.Status switch
        {
            CellStatus.Failed => $"[red]{text}[/]",
            CellStatus.Skipped => $"[grey]{text}[/]",
            CellStatus.Ok when text == "n/a" => $"[yellow]{text}[/]",
            _ => text,
        };
    }
}
