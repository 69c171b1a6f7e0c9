using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Chat;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Runtime.Tests.Handle;

/// <summary>A fixture model folder (vocab 512) with a small byte-level BPE tokenizer.json (256 byte tokens, a few
/// merges, ChatML special tokens at 300-302) and a ChatML chat template, so the whole handle can be exercised.</summary>
internal sealed class TinyModelFolder : IDisposable
{
    private readonly TempDir _tmp = new();
    public string Path => _tmp.Path;

    public TinyModelFolder(string fixture = "llama")
    {
        foreach (var f in Directory.GetFiles(Fixtures.Model(fixture))) File.Copy(f, _tmp.File(System.IO.Path.GetFileName(f)));
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++) vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
        var merges = new JsonArray();
        string[] pairs = ["h e", "l l", "he ll", "o r", "Ġ w", "Ġw or", "Ġwor l", "Ġworl d"];
        int id = 256;
        foreach (var m in pairs) { merges.Add(m); vocab[m.Replace(" ", "")] = id++; }
        for (int i = 303; i < 512; i++) vocab["Ġ" + ByteLevelAlphabet.ByteToChar[i % 256] + ByteLevelAlphabet.ByteToChar[(i * 7) % 256] + i] = i;
        for (; id < 300; id++) vocab["x" + id] = id;
        var added = new JsonArray();
        foreach (var (content, tid) in new[] { ("<|im_start|>", 300), ("<|im_end|>", 301), ("<|endoftext|>", 302) })
            added.Add(new JsonObject { ["id"] = tid, ["content"] = content, ["special"] = true, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["single_word"] = false });
        var tok = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = merges },
        };
        File.WriteAllText(_tmp.File("tokenizer.json"), tok.ToJsonString());
        File.WriteAllText(_tmp.File("tokenizer_config.json"), new JsonObject
        {
            ["eos_token"] = "<|im_end|>",
            ["chat_template"] = ChatTemplate.ChatMlJinja,
        }.ToJsonString());
    }

    public void Dispose() => _tmp.Dispose();
}
