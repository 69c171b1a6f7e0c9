using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HonestyEngine.Testbeds.Tokenization;

/// <summary>Writes (and reads back) a trained tokenizer as Hugging Face files: tokenizer.json in the same layout
/// as Qwen2's (BPE model, Split + ByteLevel pre-tokenizer, ByteLevel decoder, specials as added tokens) and
/// tokenizer_config.json with the ChatML chat template, so transformers' AutoTokenizer loads a testbed.</summary>
public static class TokenizerFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string TokenizerJson(BpeTokenizer tok)
    {
        JsonObject ByteLevelNode() => new() { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false };
        var vocab = new JsonObject();
        foreach (var (t, id) in tok.Vocab.OrderBy(kv => kv.Value)) vocab[t] = id;
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(tok.Specials.OrderBy(kv => kv.Value).Select(kv => (JsonNode)new JsonObject
            {
                ["id"] = kv.Value, ["content"] = kv.Key, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }).ToArray()),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = ByteLevel.SplitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    ByteLevelNode()),
            },
            ["post_processor"] = ByteLevelNode(),
            ["decoder"] = ByteLevelNode(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "", ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(tok.Merges.Select(m => (JsonNode)new JsonArray(m.Left, m.Right)).ToArray()),
            },
        };
        return root.ToJsonString(Indented);
    }

    public static string TokenizerConfigJson(BpeTokenizer tok, int modelMaxLength)
    {
        var decoder = new JsonObject();
        foreach (var (t, id) in tok.Specials.OrderBy(kv => kv.Value))
            decoder[id.ToString()] = new JsonObject { ["content"] = t, ["lstrip"] = false, ["normalized"] = false, ["rstrip"] = false, ["single_word"] = false, ["special"] = true };
        var root = new JsonObject
        {
            ["add_bos_token"] = false,
            ["add_prefix_space"] = false,
            ["added_tokens_decoder"] = decoder,
            ["additional_special_tokens"] = new JsonArray(ChatMl.ImStart, ChatMl.ImEnd),
            ["bos_token"] = null,
            ["chat_template"] = ChatMl.Template,
            ["clean_up_tokenization_spaces"] = false,
            ["eos_token"] = ChatMl.ImEnd,
            ["errors"] = "replace",
            ["model_max_length"] = modelMaxLength,
            ["pad_token"] = ChatMl.EndOfText,
            ["split_special_tokens"] = false,
            ["tokenizer_class"] = "Qwen2Tokenizer",
            ["unk_token"] = null,
        };
        return root.ToJsonString(Indented);
    }

    public static void Write(string folder, BpeTokenizer tok, int modelMaxLength = 512)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerJson(tok), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), TokenizerConfigJson(tok, modelMaxLength), new UTF8Encoding(false));
    }

    /// <summary>Reads a tokenizer.json written by <see cref="Write"/> back into a <see cref="BpeTokenizer"/>.</summary>
    public static BpeTokenizer Read(string tokenizerJsonPath)
    {
        var root = JsonNode.Parse(File.ReadAllText(tokenizerJsonPath)) as JsonObject ?? throw new FormatException($"{tokenizerJsonPath}: not a JSON object.");
        var model = root["model"] as JsonObject ?? throw new FormatException($"{tokenizerJsonPath}: no 'model'.");
        if (model["type"]?.GetValue<string>() != "BPE") throw new FormatException($"{tokenizerJsonPath}: model type is not BPE.");
        var vocab = (model["vocab"] as JsonObject ?? throw new FormatException($"{tokenizerJsonPath}: no 'model.vocab'."))
            .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>(), StringComparer.Ordinal);
        var merges = (model["merges"] as JsonArray ?? throw new FormatException($"{tokenizerJsonPath}: no 'model.merges'."))
            .Select(m => m is JsonArray a ? (a[0]!.GetValue<string>(), a[1]!.GetValue<string>()) : SplitMerge(m!.GetValue<string>())).ToList();
        var specials = (root["added_tokens"] as JsonArray ?? [])
            .OrderBy(t => t!["id"]!.GetValue<int>()).Select(t => t!["content"]!.GetValue<string>()).ToList();
        return new BpeTokenizer(vocab, merges, specials);
    }

    private static (string, string) SplitMerge(string s)
    {
        int i = s.IndexOf(' ');
        return i < 0 ? throw new FormatException($"Malformed merge '{s}'.") : (s[..i], s[(i + 1)..]);
    }
}
