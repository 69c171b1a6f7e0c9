namespace HonestyEngine.Abstractions;

/// <summary>One turn of a conversation. Roles follow the Hugging Face chat convention:
/// "system", "user", "assistant".</summary>
public sealed record ChatMessage(string Role, string Content)
{
    public static ChatMessage System(string content) => new("system", content);
    public static ChatMessage User(string content) => new("user", content);
    public static ChatMessage Assistant(string content) => new("assistant", content);
}

/// <summary>How a conversation is rendered into text, mirroring transformers' apply_chat_template flags.</summary>
public sealed record ChatRenderOptions(bool AddGenerationPrompt = true, bool ContinueFinalMessage = false)
{
    public static readonly ChatRenderOptions Generation = new(true, false);
    /// <summary>The final (assistant) message is a prefill the model continues.</summary>
    public static readonly ChatRenderOptions Prefill = new(false, true);
    public static readonly ChatRenderOptions Complete = new(false, false);
}
