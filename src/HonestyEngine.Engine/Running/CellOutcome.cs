using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>What executing one cell produced: its samples (when ok) or the error that failed it.</summary>
public sealed record CellOutcome(string Status, string? Error, IReadOnlyList<SampleRecord> Samples, double Seconds, IReadOnlyList<string> Log)
{
    public static CellOutcome Failed(string error, double seconds, IReadOnlyList<string> log) => new(CellStatus.Failed, error, [], seconds, log);
    public static CellOutcome Skipped(string why, IReadOnlyList<string> log) => new(CellStatus.Skipped, why, [], 0, log);
}
