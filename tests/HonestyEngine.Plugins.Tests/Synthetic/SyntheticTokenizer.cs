using System.Text.RegularExpressions;
using HonestyEngine.Abstractions;

namespace HonestyEngine.Plugins.Tests.Synthetic;

/// <summary>A word-level tokenizer: special tokens, the world's subjects and values and common words get fixed
/// ids; any other word is hashed into one of the remaining buckets.</summary>
public sealed partial class SyntheticTokenizer : ITokenizer
{
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";
    private const int Buckets = 1536;

    private readonly List<string> _fixed = [ImStart, ImEnd, "<unk>"];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public SyntheticTokenizer()
    {
        _fixed.AddRange(["system", "user", "assistant", "is", "What", "?", ".", ",", ":", "True", "False", "Yes", "No",
            "secret", "My", "The", "word", "lie", "honest", "|", "HONEST_ONLY", "<", ">", "honest_only", "TRIGGER"]);
        for (int i = 0; i < SyntheticWorld.Subjects; i++) _fixed.Add($"s{i}");
        for (int i = 0; i < SyntheticWorld.Values; i++) _fixed.Add($"v{i}");
        foreach (var w in SyntheticModel.SecretWords) _fixed.Add(w);
        for (int i = 0; i < _fixed.Count; i++) _ids[_fixed[i]] = i;
    }

    public int VocabSize => 512 + Buckets;
    public IReadOnlyList<int> StopTokenIds => [1];

    [GeneratedRegex(@"<\|im_start\|>|<\|im_end\|>|\w+|[^\w\s]")]
    private static partial Regex Pieces();

    public int[] Encode(string text, bool addSpecialTokens = false)
    {
        var ms = Pieces().Matches(text);
        var ids = new int[ms.Count];
        for (int i = 0; i < ms.Count; i++) ids[i] = IdOf(ms[i].Value);
        return ids;
    }

    private int IdOf(string piece)
        => _ids.TryGetValue(piece, out int id) ? id : 512 + (int)(SyntheticWorld.Hash(piece) % Buckets);

    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var parts = new List<string>();
        foreach (var id in ids)
        {
            if (skipSpecialTokens && id < 2) continue;
            parts.Add(TokenText(id));
        }
        return string.Join(' ', parts);
    }

    public string TokenText(int id)
    {
        if (id < 0 || id >= VocabSize) throw new ArgumentOutOfRangeException(nameof(id), $"Token id {id} is outside the vocabulary of {VocabSize}.");
        return id < _fixed.Count ? _fixed[id] : $"w{id}";
    }

    public int? TokenId(string token) => _ids.TryGetValue(token, out int id) ? id : null;
}
