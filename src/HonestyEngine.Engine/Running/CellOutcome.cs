using HonestyEngine.Engine.Results;

namespace HonestyEngine.Engine.Running;

/// <summary>What executing one cell produced: its samples (when ok) or the error that failed it.</summary>
public sealed record CellOutcome(string Status, string? Error, IReadOnlyList<SampleRecord> Samples, double Seconds, IReadOnlyList<string> Log)
{
    /// <summary>The run-testbeds key when the method read <see cref="HonestyEngine.Abstractions.MethodContext.RunTestbeds"/>
    /// (its result then depends on the other testbeds too); null when it did not.</summary>
    public string? RunTestbedsKey { get; init; }

    public static CellOutcome Failed(string error, double seconds, IReadOnlyList<string> log) => new(CellStatus.Failed, error, [], seconds, log);
    public static CellOutcome Skipped(string why, IReadOnlyList<string> log) => new(CellStatus.Skipped, why, [], 0, log);
}
