using System.Text;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Testbeds.Tokenization;

/// <summary>The testbeds' chat format: ChatML as Qwen writes it, without a default system prompt.
/// <see cref="Template"/> is the Jinja string stored in tokenizer_config.json (what transformers'
/// apply_chat_template runs); <see cref="Render"/> is the same thing in C#, used to build the tokenizer corpus.</summary>
public static class ChatMl
{
    public const string ImStart = "<|im_start|>", ImEnd = "<|im_end|>", EndOfText = "<|endoftext|>";
    public static readonly string[] SpecialTokens = [EndOfText, ImStart, ImEnd];

    public const string Template =
        "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    /// <summary>apply_chat_template(messages, add_generation_prompt, continue_final_message) for <see cref="Template"/>.
    /// continue_final_message drops the final message's end marker so the model continues it (transformers does
    /// the same by cutting the rendered text after the final message's content).</summary>
    public static string Render(IReadOnlyList<ChatMessage> messages, ChatRenderOptions options)
    {
        if (options.ContinueFinalMessage && options.AddGenerationPrompt)
            throw new ArgumentException("continue_final_message and add_generation_prompt cannot both be set (transformers refuses this too).");
        var sb = new StringBuilder();
        for (int i = 0; i < messages.Count; i++)
        {
            sb.Append(ImStart).Append(messages[i].Role).Append('\n').Append(messages[i].Content);
            if (options.ContinueFinalMessage && i == messages.Count - 1) return sb.ToString();
            sb.Append(ImEnd).Append('\n');
        }
        if (options.AddGenerationPrompt) sb.Append(ImStart).Append("assistant\n");
        return sb.ToString();
    }
}
