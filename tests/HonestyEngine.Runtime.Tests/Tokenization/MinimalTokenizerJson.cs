using System.Text.Json;

namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>Builds small tokenizer.json documents in code, in the shape a BPE trainer writes.</summary>
internal static class MinimalTokenizerJson
{
    /// <summary>A byte-level BPE (GPT-2 style): 256 byte tokens, the given merges, optional special tokens.</summary>
    public static string ByteLevel(IReadOnlyList<(string Left, string Right)> merges, IReadOnlyList<string>? specials = null,
        object? preTokenizer = null, object? postProcessor = null, bool mergesAsStrings = false)
    {
        var vocab = new Dictionary<string, int>();
        foreach (char c in ByteChars()) vocab[c.ToString()] = vocab.Count;
        foreach (var (l, r) in merges) vocab.TryAdd(l + r, vocab.Count);
        var added = new List<object>();
        foreach (var s in specials ?? [])
        {
            added.Add(new { id = vocab.Count + added.Count, content = s, single_word = false, lstrip = false, rstrip = false, normalized = false, special = true });
        }
        var doc = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = preTokenizer ?? new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = true },
            ["post_processor"] = postProcessor ?? new { type = "ByteLevel", add_prefix_space = true, trim_offsets = false, use_regex = true },
            ["decoder"] = new { type = "ByteLevel", add_prefix_space = true, trim_offsets = true, use_regex = true },
            ["model"] = new Dictionary<string, object?>
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocab,
                ["merges"] = mergesAsStrings ? merges.Select(m => (object)$"{m.Left} {m.Right}").ToList() : merges.Select(m => (object)new[] { m.Left, m.Right }).ToList(),
            },
        };
        return JsonSerializer.Serialize(doc);
    }

    /// <summary>GPT-2's byte alphabet in byte order.</summary>
    public static IEnumerable<char> ByteChars()
    {
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            yield return printable ? (char)b : (char)(256 + extra++);
        }
    }
}
