namespace HonestyEngine.Engine.IO;

/// <summary>A results file (samples.jsonl, results.json, a cell file) is malformed; the message names the file and line.</summary>
public sealed class ResultsFormatException(string message, Exception? inner = null) : Exception(message, inner);
