namespace HonestyEngine.Runtime.Tests.Tokenization;

/// <summary>Every line of expected_encodings.jsonl (computed by HF tokenizers 0.23.2) must match exactly.</summary>
public sealed class HfTokenizerFixtureTests
{
    public static TheoryData<string> Names() => new(TokenizerFixtures.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Encodings_match_hf_tokenizers(string name)
    {
        var tokenizer = TokenizerFixtures.Tokenizer(name);
        var failures = new List<string>();
        int count = 0;
        foreach (var line in TokenizerFixtures.Lines(name, "expected_encodings.jsonl"))
        {
            count++;
            string text = line.GetProperty("text").GetString()!;
            var ids = TokenizerFixtures.Ints(line.GetProperty("ids"));
            var withSpecial = TokenizerFixtures.Ints(line.GetProperty("ids_with_special"));
            string decoded = line.GetProperty("decoded").GetString()!;
            var got = tokenizer.Encode(text);
            if (!got.SequenceEqual(ids)) failures.Add($"ids of {Show(text)}: expected [{string.Join(",", ids)}] got [{string.Join(",", got)}]");
            var gotSpecial = tokenizer.Encode(text, addSpecialTokens: true);
            if (!gotSpecial.SequenceEqual(withSpecial)) failures.Add($"ids_with_special of {Show(text)}: expected [{string.Join(",", withSpecial)}] got [{string.Join(",", gotSpecial)}]");
            string gotDecoded = tokenizer.Decode(ids);
            if (gotDecoded != decoded) failures.Add($"decode of {Show(text)}: expected {Show(decoded)} got {Show(gotDecoded)}");
        }
        Assert.Equal(300, count);
        Assert.True(failures.Count == 0, $"{failures.Count} mismatches:\n" + string.Join("\n", failures.Take(20)));
    }

    private static string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
