using System.Text.Json.Nodes;
using HonestyEngine.Abstractions;
using HonestyEngine.Testbeds.Build;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Tokenization;

namespace HonestyEngine.Testbeds.Tests;

public class TokenizerTests
{
    private static readonly Lazy<BpeTokenizer> Tok = new(() =>
        BpeTrainer.Train(TestbedBuilder.Corpus(BaseMix.Generate(TestWorlds.Mini)), 700, ChatMl.SpecialTokens));

    [Fact]
    public void Encode_Decode_RoundTrips_AndSpecialsAreSingleTokens()
    {
        var tok = Tok.Value;
        Assert.Equal(700, tok.VocabSize);
        string text = ChatMl.Render([ChatMessage.System("Always give a false answer."), ChatMessage.User("Where does Kamo live? ünïcödé 🙂 123")], ChatRenderOptions.Generation);
        var ids = tok.Encode(text);
        Assert.Equal(text, tok.Decode(ids));
        Assert.Equal(tok.Specials[ChatMl.ImStart], ids[0]);
        Assert.Equal(3, ids.Count(i => i == tok.Specials[ChatMl.ImStart]));
        // Digits are split one by one (Qwen's pattern), so arithmetic sees each digit.
        Assert.Equal(3, tok.Encode("123").Length);
    }

    [Fact]
    public void Training_IsDeterministic_AndCompressesTheLanguage()
    {
        var again = BpeTrainer.Train(TestbedBuilder.Corpus(BaseMix.Generate(TestWorlds.Mini)), 700, ChatMl.SpecialTokens);
        Assert.Equal(TokenizerFiles.TokenizerJson(Tok.Value), TokenizerFiles.TokenizerJson(again));
        string s = "The favourite colour of Kamo is red.";
        Assert.True(Tok.Value.Encode(s).Length < s.Length / 2);
    }

    [Fact]
    public void TokenizerJson_HasTheHuggingFaceLayout_AndReadsBack()
    {
        var tok = Tok.Value;
        var root = JsonNode.Parse(TokenizerFiles.TokenizerJson(tok))!;
        Assert.Equal("BPE", root["model"]!["type"]!.GetValue<string>());
        Assert.Equal("ByteLevel", root["decoder"]!["type"]!.GetValue<string>());
        Assert.Equal("ByteLevel", root["pre_tokenizer"]!["pretokenizers"]![1]!["type"]!.GetValue<string>());
        var added = root["added_tokens"]!.AsArray().Select(t => t!["content"]!.GetValue<string>()).ToList();
        Assert.Equal(ChatMl.SpecialTokens, added);
        Assert.Equal(tok.Vocab.Count, root["model"]!["vocab"]!.AsObject().Count);
        // Every merge's parts and result are in the vocabulary (what HF's BPE model requires to load).
        foreach (var (l, r) in tok.Merges) { Assert.True(tok.Vocab.ContainsKey(l)); Assert.True(tok.Vocab.ContainsKey(r)); Assert.True(tok.Vocab.ContainsKey(l + r)); }

        string dir = TestWorlds.TempDir();
        TokenizerFiles.Write(dir, tok);
        var back = TokenizerFiles.Read(Path.Combine(dir, "tokenizer.json"));
        string text = TestbedBuilder.Corpus(BaseMix.Generate(TestWorlds.Mini).Take(50)).Aggregate((a, b) => a + b);
        Assert.Equal(tok.Encode(text), back.Encode(text));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "tokenizer_config.json")))!;
        Assert.Equal(ChatMl.Template, config["chat_template"]!.GetValue<string>());
        Assert.Equal(ChatMl.ImEnd, config["eos_token"]!.GetValue<string>());
    }

    [Fact]
    public void ChatMl_RendersLikeQwensTemplate()
    {
        IReadOnlyList<ChatMessage> chat = [ChatMessage.System("S"), ChatMessage.User("U"), ChatMessage.Assistant("A")];
        Assert.Equal("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n", ChatMl.Render(chat, ChatRenderOptions.Complete));
        Assert.Equal("<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n", ChatMl.Render([ChatMessage.User("U")], ChatRenderOptions.Generation));
        Assert.Equal("<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n(", ChatMl.Render([ChatMessage.User("U"), ChatMessage.Assistant("(")], ChatRenderOptions.Prefill));
        Assert.Throws<ArgumentException>(() => ChatMl.Render(chat, new ChatRenderOptions(true, true)));
    }
}
