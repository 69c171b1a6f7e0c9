namespace HonestyEngine.Abstractions;

/// <summary>A method was given input it cannot use (missing split, a layer that does not exist, ...).
/// The host fails only that cell and records the message.</summary>
public sealed class MethodInputException(string message, Exception? inner = null) : Exception(message, inner);
