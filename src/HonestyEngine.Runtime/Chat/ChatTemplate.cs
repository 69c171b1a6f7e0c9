using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat.Jinja;

namespace HonestyEngine.Runtime.Chat;

/// <summary>A model's chat template: the Jinja string shipped in tokenizer_config.json (or chat_template.jinja),
/// run by a Jinja interpreter with transformers' settings, so the text is exactly what
/// <c>tokenizer.apply_chat_template(messages, tokenize=False, ...)</c> renders, for Qwen (ChatML, incl. Qwen3's
/// think handling), Llama 3, Gemma and any other template using the supported Jinja subset.
/// Tokenize the result with <c>Encode(text, addSpecialTokens: false)</c>, as apply_chat_template does.</summary>
public sealed class ChatTemplate
{
    /// <summary>Plain ChatML for our own testbeds; this exact string can go into tokenizer_config.json's
    /// chat_template so HF transformers renders testbed prompts identically.</summary>
    public const string ChatMlJinja =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private readonly JinjaTemplate _template;
    private readonly Dictionary<string, string> _specialTokens;

    /// <summary>The Jinja source.</summary>
    public string Source { get; }
    /// <summary>Where the template came from (file path), for error messages.</summary>
    public string SourceName { get; }
    /// <summary>bos_token, eos_token, ... passed to the template as variables (from tokenizer_config.json).</summary>
    public IReadOnlyDictionary<string, string> SpecialTokens => _specialTokens;
    /// <summary>The clock behind strftime_now (Llama 3.1's date header); set it to make renders reproducible.</summary>
    public Func<DateTime> Clock { get; init; } = () => DateTime.Now;

    private ChatTemplate(string source, string sourceName, Dictionary<string, string> specialTokens)
    {
        Source = source;
        SourceName = sourceName;
        _specialTokens = specialTokens;
        try { _template = new JinjaTemplate(source); }
        catch (JinjaException e) { throw new ChatTemplateException($"{sourceName}: chat template does not parse: {e.Message}", inner: e); }
    }

    /// <summary>A template from a Jinja string, with the special tokens it may reference (bos_token, eos_token, ...).</summary>
    public static ChatTemplate FromJinja(string jinja, IReadOnlyDictionary<string, string>? specialTokens = null, string sourceName = "chat template")
        => new(jinja, sourceName, specialTokens is null ? new(StringComparer.Ordinal) : new(specialTokens, StringComparer.Ordinal));

    /// <summary>Plain ChatML (no system prompt injected, no think block): see <see cref="ChatMlJinja"/>.</summary>
    public static ChatTemplate ChatMl() => FromJinja(ChatMlJinja, null, "ChatML");

    /// <summary>Loads the chat template of a Hugging Face folder: <c>chat_template.jinja</c> if present (newer
    /// transformers save it there), else <c>chat_template</c> of <c>tokenizer_config.json</c> (a string, or a list of
    /// named templates of which "default" is used), with that file's special tokens.</summary>
    public static ChatTemplate Load(string dir)
    {
        string configPath = Path.Combine(dir, "tokenizer_config.json");
        string jinjaPath = Path.Combine(dir, "chat_template.jinja");
        var specials = new Dictionary<string, string>(StringComparer.Ordinal);
        string? template = null, source = null;
        if (File.Exists(configPath))
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(Text.StrictUtf8.ReadAllBytes(configPath, problem => new ChatTemplateException($"{configPath}: {problem}"))); }
            catch (JsonException e) { throw new ChatTemplateException($"{configPath}: not valid JSON: {e.Message}", inner: e); }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new ChatTemplateException($"{configPath}: expected a JSON object");
                foreach (var p in root.EnumerateObject())
                {
                    if (!p.Name.EndsWith("_token", StringComparison.Ordinal)) continue;
                    if (p.Value.ValueKind == JsonValueKind.String) specials[p.Name] = p.Value.GetString()!;
                    else if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                        specials[p.Name] = c.GetString()!;
                }
                if (root.TryGetProperty("chat_template", out var ct))
                {
                    source = configPath;
                    template = ct.ValueKind switch
                    {
                        JsonValueKind.String => ct.GetString(),
                        JsonValueKind.Array => PickDefault(ct, configPath),
                        JsonValueKind.Null => null,
                        _ => throw new ChatTemplateException($"{configPath}: chat_template must be a string or a list of {{name, template}}, got {ct.ValueKind}"),
                    };
                }
            }
        }
        if (File.Exists(jinjaPath))
        {
            template = Text.StrictUtf8.ReadAllText(jinjaPath, problem => new ChatTemplateException($"{jinjaPath}: {problem}"));
            source = jinjaPath;
        }
        if (template is null)
            throw new ChatTemplateException($"{dir}: no chat template (neither chat_template.jinja nor a chat_template field in tokenizer_config.json)");
        return new ChatTemplate(template, source!, specials);
    }

    private static string PickDefault(JsonElement list, string path)
    {
        foreach (var item in list.EnumerateArray())
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) && n.GetString() == "default"
                && item.TryGetProperty("template", out var t) && t.ValueKind == JsonValueKind.String)
                return t.GetString()!;
        throw new ChatTemplateException($"{path}: chat_template is a list without a template named \"default\"");
    }

    public string Render(IReadOnlyList<ChatMessage> messages, ChatRenderOptions options) => Render(messages, options, null);

    /// <summary>Renders a conversation. <paramref name="variables"/> are extra template variables, as the kwargs of
    /// apply_chat_template (e.g. enable_thinking = false for Qwen3, date_string for Llama 3.1, tools).</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, ChatRenderOptions options, IReadOnlyDictionary<string, object?>? variables)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ContinueFinalMessage && options.AddGenerationPrompt)
            throw new ChatTemplateException("continue_final_message and add_generation_prompt are not compatible: use continue_final_message when the final message is a prefill, add_generation_prompt to start a new assistant turn.");
        if (options.ContinueFinalMessage && messages.Count == 0)
            throw new ChatTemplateException("continue_final_message needs at least one message to continue.");

        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in _specialTokens) vars[k] = v;
        vars["messages"] = messages.Select(m => (object?)new Dictionary<string, object?>(StringComparer.Ordinal) { ["role"] = m.Role, ["content"] = m.Content }).ToList();
        vars["tools"] = null;
        vars["documents"] = null;
        vars["add_generation_prompt"] = options.AddGenerationPrompt;
        if (variables is not null) foreach (var (k, v) in variables) vars[k] = v;

        string rendered;
        try { rendered = _template.Render(vars, Clock); }
        catch (JinjaRaisedException e) { throw new ChatTemplateException($"{SourceName}: the chat template refused this conversation: {e.Message}", refusedByTemplate: true, e); }
        catch (JinjaException e) { throw new ChatTemplateException($"{SourceName}: chat template failed: {e.Message}", inner: e); }

        return options.ContinueFinalMessage ? CutAfterFinalMessage(rendered, messages[^1].Content) : rendered;
    }

    /// <summary>transformers' continue_final_message: cut the render right after the final message's text, so the
    /// model continues it instead of seeing an end-of-turn token.</summary>
    private string CutAfterFinalMessage(string rendered, string finalMessage)
    {
        string stripped = finalMessage.Trim();
        int loc = rendered.LastIndexOf(stripped, StringComparison.Ordinal);
        if (loc < 0)
            throw new ChatTemplateException($"{SourceName}: continue_final_message is set but the final message does not appear in the chat after applying the chat template (the template changes the final message).");
        // Same test as transformers: if the template kept the message verbatim (up to its leading whitespace),
        // cut after it; otherwise the template trimmed trailing whitespace, so cut after the stripped text.
        int end = Math.Min(rendered.Length, loc + finalMessage.TrimStart().Length);
        if (rendered[loc..end] == finalMessage) return rendered[..end];
        return rendered[..(loc + stripped.Length)];
    }
}
