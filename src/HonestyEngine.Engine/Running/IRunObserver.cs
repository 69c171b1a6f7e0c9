using HonestyEngine.Engine.Matrix;

namespace HonestyEngine.Engine.Running;

/// <summary>Live progress of a run (the CLI shows it with Spectre.Console; tests record it).</summary>
public interface IRunObserver
{
    /// <summary>The whole matrix, in order, and how many of its cells come from the cache.</summary>
    void RunStarted(IReadOnlyList<MatrixCell> cells, int cachedCells);
    void CellStarted(MatrixCell cell);
    /// <summary><paramref name="cached"/>: reused from the cell cache without running.</summary>
    void CellFinished(MatrixCell cell, string status, string? error, bool cached);
    void Message(string line);
}

public sealed class NullRunObserver : IRunObserver
{
    public static readonly NullRunObserver Instance = new();
    public void RunStarted(IReadOnlyList<MatrixCell> cells, int cachedCells) { }
    public void CellStarted(MatrixCell cell) { }
    public void CellFinished(MatrixCell cell, string status, string? error, bool cached) { }
    public void Message(string line) { }
}

/// <summary>Plain lines on a writer (for logs and non-interactive terminals).</summary>
public sealed class TextRunObserver(TextWriter writer) : IRunObserver
{
    private readonly Lock _gate = new();
    private void Write(string line) { lock (_gate) { writer.WriteLine(line); writer.Flush(); } }
    public void RunStarted(IReadOnlyList<MatrixCell> cells, int cachedCells) => Write($"run: {cells.Count} cells ({cachedCells} cached)");
    public void CellStarted(MatrixCell cell) => Write($"start   {cell}");
    public void CellFinished(MatrixCell cell, string status, string? error, bool cached) =>
        Write($"{(cached ? "cached" : status),-8}{cell}{(error is null ? "" : $": {error}")}");
    public void Message(string line) => Write(line);
}
