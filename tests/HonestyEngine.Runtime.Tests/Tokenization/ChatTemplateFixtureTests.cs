using System.Text.Json;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat;

namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>Every conversation of expected_chat.jsonl (rendered by transformers' apply_chat_template from the
/// real Jinja templates) must render to the same text and, where given, the same ids.</summary>
public sealed class ChatTemplateFixtureTests
{
    public static TheoryData<string> Names() => new(TokenizerFixtures.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Renders_match_transformers(string name)
    {
        var template = ChatTemplate.Load(TokenizerFixtures.Dir(name));
        var tokenizer = TokenizerFixtures.Tokenizer(name);
        int count = 0, withIds = 0;
        foreach (var line in TokenizerFixtures.Lines(name, "expected_chat.jsonl"))
        {
            count++;
            var messages = line.GetProperty("messages").EnumerateArray()
                .Select(m => new ChatMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
            var options = new ChatRenderOptions(
                line.TryGetProperty("add_generation_prompt", out var g) && g.GetBoolean(),
                line.TryGetProperty("continue_final_message", out var c) && c.GetBoolean());
            if (line.TryGetProperty("error", out var error))
            {
                var e = Assert.Throws<ChatTemplateException>(() => template.Render(messages, options));
                Assert.True(e.RefusedByTemplate, e.Message);
                continue;
            }
            string expected = line.GetProperty("text").GetString()!;
            string got = template.Render(messages, options);
            Assert.Equal(expected, got);
            if (line.TryGetProperty("ids", out var ids))
            {
                withIds++;
                Assert.Equal(TokenizerFixtures.Ints(ids), tokenizer.Encode(got));
            }
        }
        Assert.True(count >= 9, $"only {count} conversations in the fixture");
        Assert.True(withIds > 0);
    }

    [Fact]
    public void ChatMl_renders_the_standard_format_and_prefill()
    {
        var t = ChatTemplate.ChatMl();
        var messages = new[] { ChatMessage.System("Be brief."), ChatMessage.User("Hi") };
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            t.Render(messages, ChatRenderOptions.Generation));
        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
            t.Render(messages, ChatRenderOptions.Complete));
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nThe answer is",
            t.Render([ChatMessage.User("Hi"), ChatMessage.Assistant("The answer is")], ChatRenderOptions.Prefill));
    }

    [Fact]
    public void Qwen3_enable_thinking_false_adds_an_empty_think_block()
    {
        var template = ChatTemplate.Load(TokenizerFixtures.Dir("qwen3"));
        string text = template.Render([ChatMessage.User("Hi")], ChatRenderOptions.Generation,
            new Dictionary<string, object?> { ["enable_thinking"] = false });
        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", text);
    }

    [Fact]
    public void Gemma_refuses_non_alternating_roles()
    {
        var template = ChatTemplate.Load(TokenizerFixtures.Dir("gemma3"));
        var e = Assert.Throws<ChatTemplateException>(() =>
            template.Render([ChatMessage.User("a"), ChatMessage.User("b")], ChatRenderOptions.Generation));
        Assert.True(e.RefusedByTemplate);
        Assert.Contains("Conversation roles must alternate", e.Message);
    }

    [Fact]
    public void Prefill_with_generation_prompt_is_rejected_like_transformers()
    {
        var e = Assert.Throws<ChatTemplateException>(() =>
            ChatTemplate.ChatMl().Render([ChatMessage.User("Hi"), ChatMessage.Assistant("x")], new ChatRenderOptions(true, true)));
        Assert.Contains("not compatible", e.Message);
    }

    [Fact]
    public void Prefill_that_the_template_drops_is_a_clear_error()
    {
        var t = ChatTemplate.FromJinja("{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% endif %}{% endfor %}");
        var e = Assert.Throws<ChatTemplateException>(() =>
            t.Render([ChatMessage.User("Hi"), ChatMessage.Assistant("secret prefill")], ChatRenderOptions.Prefill));
        Assert.Contains("does not appear", e.Message);
    }

    [Fact]
    public void Missing_chat_template_names_the_folder()
    {
        string dir = Directory.CreateTempSubdirectory("honesty-chat").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
            var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Load(dir));
            Assert.Contains(dir, e.Message);
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"chat_template\": \"{% if %}\"}");
            e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Load(dir));
            Assert.Contains("tokenizer_config.json", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
