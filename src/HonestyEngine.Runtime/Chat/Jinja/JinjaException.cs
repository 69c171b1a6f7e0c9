namespace HonestyEngine.Runtime.Chat.Jinja;

/// <summary>A template that cannot be parsed or evaluated (syntax error, unsupported construct, type error).</summary>
public class JinjaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The template itself refused the input through <c>raise_exception(...)</c>
/// (e.g. "Conversation roles must alternate user/assistant/user/assistant/...").</summary>
public sealed class JinjaRaisedException(string message) : JinjaException(message);
