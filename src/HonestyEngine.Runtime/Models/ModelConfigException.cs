namespace HonestyEngine.Runtime.Models;

/// <summary>A model folder cannot be loaded: config.json is missing a field, names an unsupported architecture,
/// or the weights do not fit the config (missing, unexpected or wrongly shaped tensors). The message names the file.</summary>
public sealed class ModelConfigException(string message, Exception? inner = null) : Exception(message, inner);
