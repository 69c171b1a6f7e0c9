using System.Text.Json.Nodes;
using HonestyEngine.Abstractions;
using HonestyEngine.Runtime.Chat;
using HonestyEngine.Runtime.Handle;
using HonestyEngine.Training.IO;
using HonestyEngine.Training.Model;

namespace HonestyEngine.Training.Tests;

/// <summary><see cref="IModelHandle.FineTune"/> end to end through <see cref="TrainerFineTuner"/>: a tiny random llama
/// folder with a byte-level BPE tokenizer and a ChatML template learns to answer "blue".</summary>
public sealed class FineTuneHandleTests
{
    private static readonly IReadOnlyList<ChatMessage> Question = [ChatMessage.User("What colour is the sky?")];

    internal static string TinyLlamaFolder()
    {
        string dir = Fixtures.TempFolder("finetune-model");
        var config = new LlamaTrainingConfig
        {
            HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
            VocabSize = 320, MaxPositionEmbeddings = 128, TieWordEmbeddings = false, RopeTheta = 10000f, RmsNormEps = 1e-5f,
            EosTokenId = 301,
        };
        HfCheckpoint.Save(ModelInit.Random(config with { InitializerRange = 0.05f }, seed: 3), dir);
        // Byte-level BPE: 256 byte tokens (GPT-2 bytes_to_unicode alphabet), ChatML specials at 300-302.
        var vocab = new JsonObject();
        var byteChars = BytesToUnicode();
        for (int b = 0; b < 256; b++) vocab[byteChars[b].ToString()] = b;
        for (int id = 256; id < 300; id++) vocab["x" + id] = id;
        var added = new JsonArray();
        foreach (var (content, tid) in new[] { ("<|im_start|>", 300), ("<|im_end|>", 301), ("<|endoftext|>", 302) })
            added.Add(new JsonObject { ["id"] = tid, ["content"] = content, ["special"] = true, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["single_word"] = false });
        var tok = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = new JsonArray() },
        };
        File.WriteAllText(Path.Combine(dir, "tokenizer.json"), tok.ToJsonString());
        File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"),
            new JsonObject { ["eos_token"] = "<|im_end|>", ["chat_template"] = ChatTemplate.ChatMlJinja }.ToJsonString());
        return dir;
    }

    private static char[] BytesToUnicode()
    {
        var map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)(256 + n++);
        }
        return map;
    }

    private static double LogProbBlue(IModelHandle handle) =>
        handle.ContinuationLogProbs([new ContinuationRequest(Prompt.Chat(Question), ["blue"])])[0][0];

    [Fact]
    public void LoraFineTuneTeachesTheAnswerAndLeavesTheBaseUnchanged()
    {
        string dir = TinyLlamaFolder();
        string output = Fixtures.TempFolder("finetune-out");
        var previous = TransformerModelHandle.FineTuner;
        TransformerModelHandle.FineTuner = new TrainerFineTuner(output);
        try
        {
            using var baseHandle = TransformerModelHandle.Open(dir);
            double before = LogProbBlue(baseHandle);
            var data = new[] { new DatasetItem("sky", Question, Response: "blue") };
            using var tuned = baseHandle.FineTune(new FineTuneRequest("sky-blue", data, Steps: 40, LearningRate: 1e-2f, LoraRank: 4, BatchSize: 2));
            double after = LogProbBlue(tuned);
            Assert.True(after > before + 3, $"log P(blue) rose only from {before:F3} to {after:F3}.");
            Assert.Equal(before, LogProbBlue(baseHandle), 9);
            Assert.NotNull(tuned.Info.AdapterPath);
            Assert.StartsWith(Path.GetFullPath(output), tuned.Info.AdapterPath!);
            Assert.True(File.Exists(Path.Combine(tuned.Info.AdapterPath!, "adapter_config.json")));
        }
        finally { TransformerModelHandle.FineTuner = previous; }
    }

    [Fact]
    public void ChatItemsTrainOnAssistantTokensOnlyUnlessLossIsAll()
    {
        using var handle = TransformerModelHandle.OpenHandle(TinyLlamaFolder());
        var chat = FineTuneExamples.FromItem(handle, new DatasetItem("a", Question, Response: "blue"), 0, "job");
        int promptLength = handle.Tokenizer.Encode(handle.Render(Prompt.Chat(Question))).Length;
        Assert.All(chat.LossMask!.Take(promptLength), m => Assert.False(m));
        Assert.All(chat.LossMask!.Skip(promptLength), m => Assert.True(m));
        Assert.Equal("blue<|im_end|>\n", handle.Tokenizer.Decode(chat.TokenIds.AsSpan(promptLength)));

        var all = FineTuneExamples.FromItem(handle, new DatasetItem("b", Question, Response: "blue", Meta: new Dictionary<string, string> { ["loss"] = "all" }), 1, "job");
        Assert.Null(all.LossMask);
        var doc = FineTuneExamples.FromItem(handle, new DatasetItem("c", [], Response: "the sky is blue", Meta: new Dictionary<string, string> { ["format"] = "document" }), 2, "job");
        Assert.Equal("the sky is blue", handle.Tokenizer.Decode(doc.TokenIds));
    }

    [Fact]
    public void BadRequestsFailClearly()
    {
        var previous = TransformerModelHandle.FineTuner;
        TransformerModelHandle.FineTuner = new TrainerFineTuner(Fixtures.TempFolder("finetune-bad"));
        try
        {
            string tiny = TinyLlamaFolder();
            using var handle = TransformerModelHandle.Open(tiny);
            var empty = Assert.Throws<MethodInputException>(() => handle.FineTune(new FineTuneRequest("empty", [])));
            Assert.Contains("no training data", empty.Message);
            var noResponse = Assert.Throws<MethodInputException>(() => handle.FineTune(new FineTuneRequest("nr", [new DatasetItem("q1", Question)])));
            Assert.Contains("q1", noResponse.Message);

            // The qwen2 fixture's weights with this test's tokenizer (the fixture ships none).
            string qwenDir = Fixtures.TempFolder("finetune-qwen2");
            foreach (var f in Directory.GetFiles(Fixtures.HfModel("qwen2"))) File.Copy(f, Path.Combine(qwenDir, Path.GetFileName(f)));
            foreach (var name in new[] { "tokenizer.json", "tokenizer_config.json" }) File.Copy(Path.Combine(tiny, name), Path.Combine(qwenDir, name), true);
            using var qwen = TransformerModelHandle.Open(qwenDir);
            var arch = Assert.Throws<NotSupportedException>(() => qwen.FineTune(new FineTuneRequest("q", [new DatasetItem("x", Question, Response: "blue")])));
            Assert.Contains("Qwen2ForCausalLM", arch.Message);
        }
        finally { TransformerModelHandle.FineTuner = previous; }
    }
}
