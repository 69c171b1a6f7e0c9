using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HonestyEngine.Runtime.Tokenization;

namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>Malformed tokenizer files give a <see cref="TokenizerFormatException"/> naming the file and the field.</summary>
public sealed class TokenizerBadInputTests
{
    private static JsonObject Minimal() =>
        JsonNode.Parse(MinimalTokenizerJson.ByteLevel([("h", "e"), ("l", "l")], ["<|end|>"]))!.AsObject();

    private static TokenizerFormatException Fails(JsonObject doc) =>
        Assert.Throws<TokenizerFormatException>(() => HfTokenizer.FromJson(doc.ToJsonString(), "bad/tokenizer.json"));

    [Fact]
    public void Unknown_model_type_is_named()
    {
        var doc = Minimal();
        doc["model"]!["type"] = "Unigram";
        var e = Fails(doc);
        Assert.Contains("bad/tokenizer.json", e.Message);
        Assert.Contains("model", e.Message);
        Assert.Contains("Unigram", e.Message);
        Assert.Contains("supported: BPE", e.Message);
    }

    [Fact]
    public void Merge_with_a_token_outside_the_vocab_is_named_with_its_index()
    {
        var doc = Minimal();
        doc["model"]!["merges"]!.AsArray().Add(new JsonArray("zz", "q"));
        var e = Fails(doc);
        Assert.Contains("model.merges[2]", e.Message);
        Assert.Contains("'zz'", e.Message);
    }

    [Fact]
    public void Malformed_string_merge_is_named()
    {
        var doc = Minimal();
        doc["model"]!["merges"] = new JsonArray("h e", "hel");
        Assert.Contains("$.model.merges[1]", Fails(doc).Message);
    }

    [Fact]
    public void Missing_vocab_is_named()
    {
        var doc = Minimal();
        doc["model"]!.AsObject().Remove("vocab");
        Assert.Contains("model.vocab: missing field", Fails(doc).Message);
    }

    [Fact]
    public void Wrongly_typed_fields_are_named()
    {
        var doc = Minimal();
        doc["model"]!["vocab"]!["h"] = "seven";
        Assert.Contains("$.model.vocab.h: expected an integer", Fails(doc).Message);

        doc = Minimal();
        doc["added_tokens"]![0]!["content"] = 5;
        Assert.Contains("$.added_tokens[0].content: expected a string", Fails(doc).Message);
    }

    [Fact]
    public void Unsupported_components_list_what_is_supported()
    {
        var doc = Minimal();
        doc["normalizer"] = new JsonObject { ["type"] = "Precompiled", ["precompiled_charsmap"] = "" };
        var e = Fails(doc);
        Assert.Contains("$.normalizer.type", e.Message);
        Assert.Contains("Precompiled", e.Message);
        Assert.Contains("NFC", e.Message);

        doc = Minimal();
        doc["pre_tokenizer"] = new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = @"\p{Greek}+" }, ["behavior"] = "Isolated", ["invert"] = false };
        e = Fails(doc);
        Assert.Contains("$.pre_tokenizer.pattern.Regex", e.Message);
        Assert.Contains("Greek", e.Message);

        doc = Minimal();
        doc["decoder"] = new JsonObject { ["type"] = "CTC" };
        Assert.Contains("unsupported decoder type 'CTC'", Fails(doc).Message);
    }

    [Fact]
    public void Invalid_json_and_missing_files_are_named()
    {
        var e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.FromJson("{\"model\": ", "x/tokenizer.json"));
        Assert.Contains("x/tokenizer.json: not valid JSON", e.Message);
        string dir = Directory.CreateTempSubdirectory("honesty-tok-bad").FullName;
        try
        {
            e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(dir));
            Assert.Contains(Path.Combine(dir, "tokenizer.json"), e.Message);
            File.WriteAllText(Path.Combine(dir, "tokenizer.json"), MinimalTokenizerJson.ByteLevel([]));
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{\"eos_token\": \"<|nope|>\"}");
            e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(dir));
            Assert.Contains("tokenizer_config.json", e.Message);
            Assert.Contains("eos_token", e.Message);
            File.WriteAllText(Path.Combine(dir, "tokenizer_config.json"), "{}");
            File.WriteAllText(Path.Combine(dir, "generation_config.json"), "{\"eos_token_id\": \"two\"}");
            e = Assert.Throws<TokenizerFormatException>(() => HfTokenizer.Load(dir));
            Assert.Contains("generation_config.json: $.eos_token_id", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Huge_ids_do_not_allocate_unbounded_tables()
    {
        var doc = Minimal();
        doc["model"]!["vocab"]!["h"] = int.MaxValue;
        Assert.Contains("vocab ids go up to", Fails(doc).Message);
    }

    /// <summary>Mutated files (truncations, byte flips, deleted spans) either load and tokenize, or fail with
    /// TokenizerFormatException; never another exception, a hang or a crash.</summary>
    [Fact]
    public void Fuzzed_tokenizer_json_fails_cleanly()
    {
        string original = MinimalTokenizerJson.ByteLevel([("h", "e"), ("l", "l"), ("he", "ll")], ["<|end|>"],
            preTokenizer: new { type = "Sequence", pretokenizers = new object[]
            {
                new { type = "Split", pattern = new { Regex = @"(?i:'s|'t)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+(?!\S)|\s+" }, behavior = "Isolated", invert = false },
                new { type = "ByteLevel", add_prefix_space = false, trim_offsets = true, use_regex = false },
            } });
        byte[] bytes = Encoding.UTF8.GetBytes(original);
        var rng = new Random(1234);
        int loaded = 0, rejected = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] mutated = (byte[])bytes.Clone();
            switch (trial % 3)
            {
                case 0: mutated = mutated[..rng.Next(mutated.Length)]; break;
                case 1:
                    const string alphabet = "{}[]\",:0123456789abcdefxyz-\\ ";
                    for (int k = 0; k < 1 + rng.Next(4); k++) mutated[rng.Next(mutated.Length)] = (byte)alphabet[rng.Next(alphabet.Length)];
                    break;
                default:
                {
                    int start = rng.Next(mutated.Length), len = rng.Next(1, 40);
                    mutated = [.. mutated[..start], .. mutated[Math.Min(mutated.Length, start + len)..]];
                    break;
                }
            }
            string text = Encoding.UTF8.GetString(mutated);
            try
            {
                var tok = HfTokenizer.FromJson(text, "fuzz/tokenizer.json");
                var ids = tok.Encode("hello world <|end|> 123");
                tok.Decode(ids);
                loaded++;
            }
            catch (TokenizerFormatException e)
            {
                Assert.StartsWith("fuzz/tokenizer.json", e.Message);
                rejected++;
            }
        }
        Assert.True(rejected > 100, $"only {rejected} of 300 mutations were rejected");
        Assert.True(loaded > 0, "no mutation survived; the fuzz test is not exercising the success path");
    }
}
