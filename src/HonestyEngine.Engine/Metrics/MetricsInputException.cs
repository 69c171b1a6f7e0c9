namespace HonestyEngine.Engine.Metrics;

/// <summary>The samples of a cell cannot be scored (a detector sample without a score, an unknown split, an
/// accuracy outside [0, 1], samples of another cell mixed in). The message names the testbed, method and sample.</summary>
public sealed class MetricsInputException(string message) : Exception(message);
