namespace HonestyEngine.Runtime.Chat;

/// <summary>A chat template that cannot be loaded or rendered, or a conversation the template refuses
/// (<see cref="RefusedByTemplate"/>: the template called raise_exception, as transformers would raise).</summary>
public sealed class ChatTemplateException(string message, bool refusedByTemplate = false, Exception? inner = null) : Exception(message, inner)
{
    public bool RefusedByTemplate { get; } = refusedByTemplate;
}
