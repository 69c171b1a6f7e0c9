namespace HonestyEngine.Runtime.Tokenization;

/// <summary>A tokenizer file that cannot be used: the message names the file and the field.</summary>
public sealed class TokenizerFormatException(string message, Exception? inner = null) : Exception(message, inner);
