using HonestyEngine.Engine.Matrix;
using HonestyEngine.Engine.Running;
using Spectre.Console;

namespace HonestyEngine.Cli.Commands;

/// <summary>Live Spectre.Console progress for `honesty run`: one bar for the whole matrix and one per testbed,
/// whose description shows the cell running now. Warnings are collected into the given list, printed after the bars.</summary>
internal sealed class RunProgress(ProgressContext context, List<string> warnings) : IRunObserver
{
    private readonly Lock _gate = new();
    private ProgressTask? _all;
    private readonly Dictionary<string, ProgressTask> _testbeds = new();

    public void RunStarted(IReadOnlyList<MatrixCell> cells, int cachedCells)
    {
        lock (_gate)
        {
            _all = context.AddTask($"[bold]all cells[/] ({cachedCells} cached)", maxValue: Math.Max(1, cells.Count));
            foreach (var group in cells.GroupBy(c => c.TestbedName))
                _testbeds[group.Key] = context.AddTask(Markup.Escape(group.Key), maxValue: group.Count());
        }
    }

    public void CellStarted(MatrixCell cell)
    {
        lock (_gate) _testbeds[cell.TestbedName].Description = $"{Markup.Escape(cell.TestbedName)}: {Markup.Escape(cell.Variant.DisplayName)}";
    }

    public void CellFinished(MatrixCell cell, string status, string? error, bool cached)
    {
        lock (_gate)
        {
            _all?.Increment(1);
            var task = _testbeds[cell.TestbedName];
            task.Increment(1);
            if (task.IsFinished) task.Description = Markup.Escape(cell.TestbedName);
        }
    }

    /// <summary>Warnings (e.g. an unavailable testbed left out of the run) are kept for after the live display; other
    /// messages (model runs starting) only matter in the plain-text log.</summary>
    public void Message(string line)
    {
        if (line.StartsWith("warning:", StringComparison.Ordinal)) lock (_gate) warnings.Add(line);
    }
}
