using System.Text.Json;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>Behaviours beyond the fixtures: trainer-written files, added-token flags, byte fallback,
/// decoders, Unicode handling.</summary>
public sealed class HfTokenizerBehaviourTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Accepts_a_minimal_trainer_written_byte_level_bpe(bool mergesAsStrings)
    {
        // "Ġ" is the byte-level char of the space byte.
        var merges = new List<(string, string)> { ("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("Ġ", "w") };
        var tok = HfTokenizer.FromJson(MinimalTokenizerJson.ByteLevel(merges, ["<|im_start|>", "<|im_end|>"], mergesAsStrings: mergesAsStrings), "trained.json");
        int hello = tok.TokenId("hello")!.Value;
        int spaceW = tok.TokenId("Ġw")!.Value;
        Assert.Equal([hello, spaceW, tok.TokenId("o")!.Value], tok.Encode("hello wo"));
        Assert.Equal("hello wo", tok.Decode(tok.Encode("hello wo")));
        int start = tok.TokenId("<|im_start|>")!.Value;
        Assert.Equal(start, tok.Encode("<|im_start|>hello")[0]);
        Assert.Equal("hello", tok.Decode(tok.Encode("<|im_start|>hello"), skipSpecialTokens: true));
        Assert.Equal(256 + 5 + 2, tok.VocabSize);
        // Arbitrary bytes round-trip (every byte has a token).
        const string text = "Grüße 😀 \u0000\t\r\n日本";
        Assert.Equal(text, tok.Decode(tok.Encode(text)));
    }

    [Fact]
    public void Merges_are_applied_by_rank_not_by_position()
    {
        // "abc": pairs (a,b) rank 1 and (b,c) rank 0 -> b+c merges first, leaving a, bc.
        var merges = new List<(string, string)> { ("b", "c"), ("a", "b") };
        var tok = HfTokenizer.FromJson(MinimalTokenizerJson.ByteLevel(merges), "t.json");
        Assert.Equal([tok.TokenId("a")!.Value, tok.TokenId("bc")!.Value], tok.Encode("abc"));
        Assert.Equal([tok.TokenId("ab")!.Value], tok.Encode("ab"));
    }

    [Fact]
    public void Template_post_processor_adds_bos_only_with_special_tokens()
    {
        var post = new
        {
            type = "TemplateProcessing",
            single = new object[] { new { SpecialToken = new { id = "<s>", type_id = 0 } }, new { Sequence = new { id = "A", type_id = 0 } } },
            pair = Array.Empty<object>(),
            special_tokens = new Dictionary<string, object> { ["<s>"] = new { id = "<s>", ids = new[] { 256 }, tokens = new[] { "<s>" } } },
        };
        var tok = HfTokenizer.FromJson(MinimalTokenizerJson.ByteLevel([], ["<s>"], postProcessor: post), "t.json");
        Assert.Equal(256, tok.TokenId("<s>"));
        Assert.Equal([256, tok.TokenId("h")!.Value], tok.Encode("h", addSpecialTokens: true));
        Assert.Equal([tok.TokenId("h")!.Value], tok.Encode("h"));
    }

    [Fact]
    public void Supplementary_plane_letters_count_as_letters_in_split_regexes()
    {
        // With a plain .NET regex, \p{L} misses U+1D400 (MATHEMATICAL BOLD CAPITAL A) and
        // [^\s\p{L}\p{N}]? would take half of an emoji. Each split piece here must be whole code points.
        var regex = OnigRegexTranslator.Get(@"[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+(?!\S)|\s+");
        string text = "😀abc 𝐀𝐁c 𝟏2";
        var pieces = regex.Matches(text).Select(m => text.Substring(m.Start, m.Length)).ToArray();
        Assert.Equal(["😀abc", " 𝐀𝐁c", " ", "𝟏", "2"], pieces);
    }

    [Fact]
    public void Possessive_quantifiers_become_atomic_groups()
    {
        string translated = OnigRegexTranslator.Translate(@"a?+b|\p{N}++");
        Assert.StartsWith("(?>a?)b|(?>[", translated);
        var regex = OnigRegexTranslator.Get(@"[^\s]?+\d");
        // Possessive: "x1" -> [^\s]?+ takes 'x', then \d matches '1'.
        Assert.Equal([(0, 2)], regex.Matches("x1"));
        // "1" alone: [^\s]?+ takes the '1' and never gives it back, so \d has nothing left (a backtracking ? would match).
        Assert.Empty(regex.Matches("1"));
        Assert.Single(OnigRegexTranslator.Get(@"[^\s]?\d").Matches("1"));
    }

    [Fact]
    public void Nfc_normalizer_composes_without_icu()
    {
        Assert.Equal("\u00e9", UnicodeNormalizer.Normalize("e\u0301", System.Text.NormalizationForm.FormC));
        Assert.Equal("\uAC00", UnicodeNormalizer.Normalize("\u1100\u1161", System.Text.NormalizationForm.FormC));
        Assert.Equal("e\u0301", UnicodeNormalizer.Normalize("\u00e9", System.Text.NormalizationForm.FormD));
        Assert.Equal("fi", UnicodeNormalizer.Normalize("\uFB01", System.Text.NormalizationForm.FormKC));
        // Canonical reordering: ccc 230 (U+0301) after ccc 220 (U+0323) -> ạ́ composes to U+1EA1 + U+0301.
        Assert.Equal("\u1EA1\u0301", UnicodeNormalizer.Normalize("a\u0301\u0323", System.Text.NormalizationForm.FormC));
        // Qwen's tokenizer normalizes with NFC, so both spellings give the same ids.
        var qwen = TokenizerFixtures.Tokenizer("qwen3");
        Assert.Equal(qwen.Encode("caf\u00e9"), qwen.Encode("cafe\u0301"));
    }

    [Fact]
    public void Gemma_byte_fallback_and_decoding_of_invalid_bytes()
    {
        var gemma = TokenizerFixtures.Tokenizer("gemma3");
        // A plane-16 private-use code point is not in the vocab: it becomes its UTF-8 bytes as <0xXX> tokens.
        var ids = gemma.Encode("\U0010FFFD");
        Assert.Equal(["<0xF4>", "<0x8F>", "<0xBF>", "<0xBD>"], ids.Select(i => gemma.IdToToken(i)!).ToArray());
        Assert.Equal("\U0010FFFD", gemma.Decode(ids));
        // An incomplete byte sequence decodes to one U+FFFD per byte, as HF's ByteFallback decoder does.
        Assert.Equal("\uFFFD\uFFFD", gemma.Decode(ids.AsSpan(0, 2)));
    }

    [Fact]
    public void Byte_level_decoding_of_a_split_character_gives_replacement_chars()
    {
        var llama = TokenizerFixtures.Tokenizer("llama3");
        var ids = llama.Encode("\U0001FAE8"); // a rare emoji: several byte-level tokens
        Assert.True(ids.Length > 1);
        Assert.Equal("\U0001FAE8", llama.Decode(ids));
        // The first token alone holds an incomplete UTF-8 sequence: HF decodes it lossily to U+FFFD.
        Assert.Contains('\uFFFD', llama.TokenText(ids[0]));
    }

    [Fact]
    public void Skip_special_tokens_drops_only_special_added_tokens()
    {
        var qwen = TokenizerFixtures.Tokenizer("qwen3");
        var ids = qwen.Encode("<|im_start|>user\nHi<|im_end|>");
        Assert.Equal(151644, ids[0]);
        Assert.Equal("<|im_start|>user\nHi<|im_end|>", qwen.Decode(ids));
        Assert.Equal("user\nHi", qwen.Decode(ids, skipSpecialTokens: true));
        // <think> is an added token that is not special: it stays.
        var think = qwen.Encode("<think>x</think>");
        Assert.Equal("<think>x</think>", qwen.Decode(think, skipSpecialTokens: true));
    }

    [Fact]
    public void Added_token_flags_lstrip_rstrip_single_word()
    {
        string json = MinimalTokenizerJson.ByteLevel([]);
        var root = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
        var added = new object[]
        {
            new { id = 300, content = "<mask>", single_word = false, lstrip = true, rstrip = true, normalized = false, special = true },
            new { id = 301, content = "cat", single_word = true, lstrip = false, rstrip = false, normalized = false, special = false },
        };
        var patched = root.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
        patched["added_tokens"] = added;
        var tok = HfTokenizer.FromJson(JsonSerializer.Serialize(patched), "flags.json");
        // lstrip/rstrip: the spaces around <mask> belong to it.
        var ids = tok.Encode("a <mask> b");
        Assert.Equal([tok.TokenId("a")!.Value, 300, tok.TokenId("b")!.Value], ids);
        // single_word: "cat" alone is the added token, inside "concat" it is not.
        Assert.Contains(301, tok.Encode("a cat"));
        Assert.DoesNotContain(301, tok.Encode("concatenate"));
    }

    [Fact]
    public void Stop_tokens_come_from_tokenizer_config_and_generation_config()
    {
        string dir = Directory.CreateTempSubdirectory("honesty-tok").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), MinimalTokenizerJson.ByteLevel([], ["<|end|>", "<|eot|>"]));
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<|end|>\"}, \"bos_token\": null}");
            File.WriteAllText(Path.Combine(dir, "generation_config.json"), "{\"eos_token_id\": [256, 257]}");
            var tok = HfTokenizer.Load(dir);
            Assert.Equal([256, 257], tok.StopTokenIds);
            Assert.Equal("<|end|>", tok.EosToken);
            Assert.Null(tok.BosToken);
        }
        finally { Directory.Delete(dir, true); }
    }
}
