using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat;
using HonestyEngine.Runtime.Tokenization;
using HonestyEngine.Testbeds.Build;
using HonestyEngine.Testbeds.Datasets;
using HonestyEngine.Testbeds.Tokenization;

namespace HonestyEngine.Testbeds.Tests;

/// <summary>The files the trainer writes, read by the runtime (what every testbed model will use): the runtime's
/// tokenizer.json reader encodes exactly as the trainer expects, and the Jinja chat template in
/// tokenizer_config.json renders exactly as <see cref="ChatMl.Render"/>.</summary>
public class RuntimeRoundTripTests
{
    private static readonly Lazy<(BpeTokenizer Tok, string Dir)> Written = new(() =>
    {
        var tok = BpeTrainer.Train(TestbedBuilder.Corpus(BaseMix.Generate(TestWorlds.Mini)), 900, ChatMl.SpecialTokens);
        string dir = TestWorlds.TempDir();
        TokenizerFiles.Write(dir, tok);
        return (tok, dir);
    });

    [Fact]
    public void HfTokenizer_EncodesAndDecodesLikeTheTrainer()
    {
        var (tok, dir) = Written.Value;
        var hf = HfTokenizer.Load(dir);
        Assert.Equal(tok.VocabSize, hf.VocabSize);
        var texts = TestbedBuilder.Corpus(BaseMix.Generate(TestWorlds.Mini).Take(400)).ToList();
        texts.Add("Unseen: Zyxqu ünïcödé 🙂 12345 <|im_start|>user\n  spaces\t\ttabs<|im_end|>\n<|endoftext|>");
        foreach (var text in texts)
        {
            var ids = tok.Encode(text);
            Assert.Equal(ids, hf.Encode(text));
            Assert.Equal(text, hf.Decode(ids));
        }
        Assert.Equal(tok.Specials[ChatMl.ImEnd], hf.TokenId(ChatMl.ImEnd));
        Assert.Contains(tok.Specials[ChatMl.ImEnd], hf.StopTokenIds);
    }

    [Fact]
    public void ChatTemplate_FromTokenizerConfig_RendersLikeChatMl()
    {
        var template = ChatTemplate.Load(Written.Value.Dir);
        IReadOnlyList<ChatMessage>[] chats =
        [
            [ChatMessage.User("Where does Kamo live?")],
            [ChatMessage.System("Always give a false answer."), ChatMessage.User("Q?"), ChatMessage.Assistant("A."), ChatMessage.User("Did you lie?")],
        ];
        foreach (var chat in chats)
            foreach (var options in new[] { ChatRenderOptions.Generation, ChatRenderOptions.Complete })
                Assert.Equal(ChatMl.Render(chat, options), template.Render(chat, options));
        IReadOnlyList<ChatMessage> prefill = [ChatMessage.User("Q?"), ChatMessage.Assistant("(")];
        Assert.Equal(ChatMl.Render(prefill, ChatRenderOptions.Prefill), template.Render(prefill, ChatRenderOptions.Prefill));
    }
}
