using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Runtime.Inference;
using HonestyEngine.Runtime.Models;

namespace HonestyEngine.Runtime.Tests.Handle;

[Collection(GlobalGemmSettings.Name)]
public class TransformerModelHandleTests
{
    [Fact]
    public void RendersChatAndEncodesWithTheTemplate()
    {
        using var folder = new TinyModelFolder();
        using var handle = TransformerModelHandle.Open(folder.Path);
        Assert.Equal("LlamaForCausalLM", handle.Info.Architecture);
        Assert.Equal(3, handle.Info.NumLayers);
        var prompt = Prompt.Chat([ChatMessage.User("hello world")]);
        var text = handle.Render(prompt);
        Assert.Equal("<|im_start|>user\nhello world<|im_end|>\n<|im_start|>assistant\n", text);
        var ids = ((TransformerModelHandle)handle).EncodePrompt(prompt);
        Assert.Equal(300, ids[0]);
        Assert.Contains(258, ids); // "hell" merged
        Assert.Contains(263, ids); // "Ġworld" merged
        Assert.Contains(301, ((TransformerModelHandle)handle).StopTokenIds);
    }

    [Fact]
    public void GenerateBatchEqualsOneByOneAndMatchesTheEngine()
    {
        using var folder = new TinyModelFolder();
        using var handle = TransformerModelHandle.OpenHandle(folder.Path);
        var s = new SamplingOptions(MaxNewTokens: 5, Temperature: 0.7f, TopP: 0.95f, Seed: 11);
        var requests = new[] { "hello", "hello world and more words here", "x" }
            .Select(t => new GenerationRequest(Prompt.Raw(t), s)).ToList();
        var batch = handle.Generate(requests);
        for (int i = 0; i < requests.Count; i++)
        {
            var single = handle.Generate([requests[i]])[0];
            Assert.Equal(single.TokenIds, batch[i].TokenIds);
            Assert.Equal(single.Text, batch[i].Text);
            var direct = new InferenceEngine(handle.Model).Generate(handle.EncodePrompt(requests[i].Prompt), s, handle.StopTokenIds);
            Assert.Equal(direct.Tokens, batch[i].TokenIds);
        }
    }

    [Fact]
    public void ContinuationLogProbsAndForwardAndUnembed()
    {
        using var folder = new TinyModelFolder();
        using var handle = TransformerModelHandle.OpenHandle(folder.Path);
        var lp = handle.ContinuationLogProbs([new ContinuationRequest(Prompt.Chat([ChatMessage.User("hello")]), ["hello", " world", "a"])])[0];
        Assert.Equal(3, lp.Length);
        Assert.All(lp, v => Assert.True(v < 0 && double.IsFinite(v)));

        var fwd = handle.Forward([new ForwardRequest(Prompt.Raw("hello world"), HookSpec.Reading(PositionSelector.All, HookNames.ResidPost(2), HookNames.FinalNorm), true)])[0];
        int n = fwd.TokenIds.Length;
        var resid = fwd.Activations[HookNames.ResidPost(2)];
        Assert.Equal([n, 64], resid.Shape);
        // Logit lens on the last residual equals the model's logits.
        var lens = handle.Unembed(resid);
        for (int v = 0; v < 512; v++) Assert.Equal(fwd.Logits!.Data[v + (n - 1) * 512], lens.Row(n - 1)[v], 1e-4f);
        var noNorm = handle.Unembed(fwd.Activations[HookNames.FinalNorm], applyFinalNorm: false);
        Assert.Equal(lens.Row(0)[3], noNorm.Row(0)[3], 1e-4f);
        Assert.Equal([512, 64], handle.TokenEmbeddings().Shape);
        Assert.Throws<NotSupportedException>(() => handle.FineTune(new FineTuneRequest("x", [])));
    }

    [Fact]
    public void StopStringsTrimTheText()
    {
        using var folder = new TinyModelFolder();
        using var handle = TransformerModelHandle.OpenHandle(folder.Path);
        var free = handle.Generate([new GenerationRequest(Prompt.Raw("hello"), new SamplingOptions(6))])[0];
        Assert.True(free.Text.Length >= 2, free.Text);
        string stop = free.Text.Substring(1, 1);
        var stopped = handle.Generate([new GenerationRequest(Prompt.Raw("hello"), new SamplingOptions(6, StopStrings: [stop]))])[0];
        Assert.Equal("stop", stopped.FinishReason);
        Assert.DoesNotContain(stop, stopped.Text);
        Assert.StartsWith(stopped.Text, free.Text);
    }

    [Fact]
    public void AdapterCanBeSwitchedOffOnTheHandle()
    {
        using var folder = new TinyModelFolder("llama-lora");
        using var handle = TransformerModelHandle.OpenHandle(folder.Path, Path.Combine(Fixtures.Model("llama-lora"), "adapter"));
        var req = new ForwardRequest(Prompt.Raw("hello world"), HookSpec.Reading(PositionSelector.Last, HookNames.FinalNorm), true);
        var on = handle.Forward([req])[0].Logits!.Data;
        handle.UseAdapter = false;
        var off = handle.Forward([req])[0].Logits!.Data;
        using var plain = TransformerModelHandle.OpenHandle(folder.Path);
        Assert.Equal(plain.Forward([req])[0].Logits!.Data, off);
        Assert.NotEqual(on, off);
        Assert.EndsWith("adapter", handle.Info.AdapterPath);
    }

    [Fact]
    public void MissingTokenizerIsAClearError()
    {
        var e = Assert.ThrowsAny<Exception>(() => TransformerModelHandle.Open(Fixtures.Model("llama")));
        Assert.Contains("tokenizer.json", e.Message);
    }
}
